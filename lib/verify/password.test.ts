import { createHmac } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { syntheticPassword } from './password';
import { clearSecretCache } from '../secrets/getSecret';

process.env.PASSWORD_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:password-AbCdEf';
const SECRET = 'deployment-password-secret';

const sm = mockClient(SecretsManagerClient);
beforeEach(() => {
  sm.reset();
  clearSecretCache();
  sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
});

describe('syntheticPassword', () => {
  it('is Aa1! plus 28 base64url chars of HMAC-SHA256(secret, "password:<runId>")', async () => {
    const expected = `Aa1!${createHmac('sha256', SECRET).update('password:run-1').digest('base64url').slice(0, 28)}`;
    await expect(syntheticPassword('run-1')).resolves.toBe(expected);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: process.env.PASSWORD_SECRET_ARN });
  });

  it('is the same in every Lambda of a run (derived, never stored) and differs between runs', async () => {
    const a1 = await syntheticPassword('run-1');
    const a2 = await syntheticPassword('run-1');
    const b = await syntheticPassword('run-2');
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    // The secret is read once per container, not per call.
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('changes with the deployment secret', async () => {
    const before = await syntheticPassword('run-1');
    clearSecretCache();
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'rotated' });
    expect(await syntheticPassword('run-1')).not.toBe(before);
  });

  it("meets Cognito's default password policy and does not reveal the secret or the run id", async () => {
    const pw = await syntheticPassword('run-1');
    expect(pw).toHaveLength(32);
    expect(pw).toMatch(/[A-Z]/);
    expect(pw).toMatch(/[a-z]/);
    expect(pw).toMatch(/[0-9]/);
    expect(pw).toMatch(/[!]/);
    expect(pw).toMatch(/^[\w!-]+$/);
    expect(pw).not.toContain(SECRET);
    expect(pw).not.toContain('run-1');
  });

  it('fails by name when the secret cannot be read', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(syntheticPassword('run-1')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
