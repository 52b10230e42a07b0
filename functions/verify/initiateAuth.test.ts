import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handler, initiateAuth } from './initiateAuth';
import { clearSecretCache } from '../../lib/secrets/getSecret';
import { syntheticPassword } from '../../lib/verify/password';
import { codeHash } from '../../lib/runs/codeHash';
import { PHONE, runItem } from './testing';

process.env.RUNS_TABLE = 'runs-test';
process.env.PASSWORD_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:password-AbCdEf';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const sm = mockClient(SecretsManagerClient);
const MASKED = '+*******0100';
const SIGN_UP_CODE = '111111';
const SESSION = 'AYABeCognitoChallengeSession-secret-value';
const JWT = 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ4In0.c2ln';
const NOW = 1_750_000_000_000;
const run = runItem;
let order: string[];

async function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [SESSION, await syntheticPassword('run-1'), SIGN_UP_CODE, PHONE, '5555550100', JWT]) expect(json).not.toContain(s);
  expect(json).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
}

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  sm.reset();
  clearSecretCache();
  order = [];
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'password-secret' });
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb.on(GetCommand, { Key: { pk: `WAIT#${PHONE}` } }).resolves({
    Item: { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'SIGN_UP', code: SIGN_UP_CODE, answered: true, consumedAt: NOW - 1 },
  });
  ddb.on(PutCommand).callsFake(() => {
    order.push('registerWait');
    return {};
  });
  ddb.on(UpdateCommand).resolves({});
  cognito.on(InitiateAuthCommand).callsFake(() => {
    order.push('InitiateAuth');
    return { ChallengeName: 'SMS_MFA', Session: SESSION, ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: MASKED } };
  });
});
afterEach(() => jest.restoreAllMocks());

describe('initiateAuth', () => {
  it('opens the MFA wait, logs in with USER_PASSWORD_AUTH, keeps the Session on the run record, and returns the masked destination', async () => {
    const out = await initiateAuth({ runId: 'run-1' });
    expect(out).toEqual({ challenge: 'SMS_MFA', destination: MASKED });
    expect(order).toEqual(['registerWait', 'InitiateAuth']);
    expect(cognito.commandCalls(InitiateAuthCommand)[0].args[0].input).toEqual({
      ClientId: 'client1abc',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'synthetic-run-1', PASSWORD: await syntheticPassword('run-1') },
    });
    // The MFA wait replaces the sign-up wait, remembering only the hash of the sign-up code.
    const wait = ddb.commandCalls(PutCommand)[0].args[0].input.Item!;
    expect(wait).toMatchObject({ pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'MFA', expiresAt: NOW + 150_000, previousCodeHash: codeHash(SIGN_UP_CODE) });
    expect(JSON.stringify(wait)).not.toContain(SIGN_UP_CODE);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'runs-test', Key: { pk: 'RUN#run-1' }, ExpressionAttributeNames: { '#s': 'authSession' }, ExpressionAttributeValues: { ':s': SESSION },
    });
    await expectNoSecrets(out);
  });

  it('fails with MfaNotEnforced when the password alone returns tokens, and keeps no session', async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: JWT, AccessToken: JWT, RefreshToken: 'refresh', ExpiresIn: 3600 } });
    const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('MfaNotEnforced');
    await expectNoSecrets(error.message);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it.each([['NEW_PASSWORD_REQUIRED'], ['SOFTWARE_TOKEN_MFA'], ['SELECT_MFA_TYPE']])('fails with UnexpectedChallenge on %s', async (challenge) => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: challenge as never, Session: SESSION });
    const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'UnexpectedChallenge', message: expect.stringContaining(challenge) });
    await expectNoSecrets(error.message);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('fails with UnexpectedChallenge when there is no challenge or no Session', async () => {
    cognito.on(InitiateAuthCommand).resolves({});
    await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({ name: 'UnexpectedChallenge', message: expect.stringContaining('no challenge') });
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SMS_MFA' });
    await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({ name: 'UnexpectedChallenge', message: expect.stringContaining('without a Session') });
  });

  it('lets NotAuthorizedException through by name, without the password', async () => {
    cognito.on(InitiateAuthCommand).rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} }));
    const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('NotAuthorizedException');
    await expectNoSecrets(error.message);
  });

  it('rejects a bad run id before any call', async () => {
    await expect(initiateAuth({})).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns no Session and no password', async () => {
    await expectNoSecrets(await handler({ runId: 'run-1' }, {} as never));
  });
});
