import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearSecretCache, getSecret, SECRET_CACHE_MS } from './getSecret';

const sm = mockClient(SecretsManagerClient);
beforeEach(() => {
  sm.reset();
  clearSecretCache();
});

describe('getSecret', () => {
  it('fetches once for concurrent cold callers and serves from memory for 5 minutes', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 's1' });
    const t0 = 1_000_000;
    expect(await Promise.all([getSecret('id', t0), getSecret('id', t0)])).toEqual(['s1', 's1']);
    expect(await getSecret('id', t0 + SECRET_CACHE_MS - 1)).toBe('s1');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 's2' });
    expect(await getSecret('id', t0 + SECRET_CACHE_MS)).toBe('s2');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('does not cache a failure', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('boom'), { name: 'InternalServiceError' }))
      .resolves({ SecretString: 's' });
    await expect(getSecret('id')).rejects.toMatchObject({ name: 'InternalServiceError' });
    expect(await getSecret('id')).toBe('s');
  });

  it('refuses a binary secret by name', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(getSecret('id')).rejects.toMatchObject({ name: 'SecretNotString' });
  });
});
