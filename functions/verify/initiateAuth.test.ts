// First: the logger reads its level when it is created.
import { captureLogs } from '../../tests/support/logCapture';
import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { handler, initiateAuth } from './initiateAuth';
import { syntheticPassword } from '../../lib/verify/password';
import { codeHash } from '../../lib/runs/codeHash';
import { PHONE, runItem } from '../../tests/support/verifyRun';
import { mockPasswordKey } from '../../tests/support/passwordKey';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
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
  mockPasswordKey(ddb);
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  order = [];
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
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
    return {
      ChallengeName: 'SMS_MFA',
      Session: SESSION,
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: MASKED },
    };
  });
});
afterEach(() => jest.restoreAllMocks());

const TOKENS = {
  AuthenticationResult: { IdToken: JWT, AccessToken: JWT, RefreshToken: 'refresh-token-secret', ExpiresIn: 3600, TokenType: 'Bearer' },
};
const CHALLENGE = {
  ChallengeName: 'SMS_MFA' as const,
  Session: SESSION,
  ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: MASKED },
};
const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
const sessionSaved = () => updates().some((u) => u.ExpressionAttributeNames?.['#s'] === 'authSession');
const recordedFirstSignIn = () =>
  updates()
    .filter((u) => u.ExpressionAttributeNames?.['#f'] === 'firstSignIn')
    .map((u) => u.ExpressionAttributeValues?.[':f']);

describe('initiateAuth', () => {
  it('sms-otp (a sign-up check, passwordless): USER_AUTH preferring SMS_OTP, no password sent, the run record names SMS_OTP for the answer', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run({ authFlow: 'sms-otp' }) });
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'SMS_OTP',
      Session: SESSION,
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: MASKED, USER_ID_FOR_SRP: 'synthetic-run-1' },
    });
    const out = await initiateAuth({ runId: 'run-1' });
    expect(out).toEqual({ challenge: 'SMS_OTP', destination: MASKED, firstSignIn: 'mfa-challenged' });
    const sent = cognito.commandCalls(InitiateAuthCommand)[0].args[0].input;
    expect(sent).toMatchObject({ AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'synthetic-run-1', PREFERRED_CHALLENGE: 'SMS_OTP' } });
    expect(JSON.stringify(sent)).not.toContain(await syntheticPassword('run-1'));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeNames: { '#s': 'authSession', '#u': 'challengeUsername', '#c': 'challengeName' },
      ExpressionAttributeValues: { ':s': SESSION, ':u': 'synthetic-run-1', ':c': 'SMS_OTP' },
    });
    await expectNoSecrets(out);
  });

  it('sms-otp: tokens without a code fail UnexpectedChallenge at once (not the MFA second-sign-in allowance, not MfaNotEnforced)', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run({ authFlow: 'sms-otp' }) });
    cognito.on(InitiateAuthCommand).resolves(TOKENS);
    await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({ name: 'UnexpectedChallenge' });
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
    expect(sessionSaved()).toBe(false);
  });

  it('opens the MFA wait, logs in with USER_PASSWORD_AUTH, keeps the Session on the run record, and returns the masked destination', async () => {
    const out = await initiateAuth({ runId: 'run-1' });
    expect(out).toEqual({ challenge: 'SMS_MFA', destination: MASKED, firstSignIn: 'mfa-challenged' });
    expect(order).toEqual(['registerWait', 'InitiateAuth']);
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
    expect(cognito.commandCalls(InitiateAuthCommand)[0].args[0].input).toEqual({
      ClientId: 'client1abc',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'synthetic-run-1', PASSWORD: await syntheticPassword('run-1') },
    });
    // The MFA wait replaces the sign-up wait, remembering only the hash of the sign-up code.
    const wait = ddb.commandCalls(PutCommand)[0].args[0].input.Item!;
    expect(wait).toMatchObject({
      pk: `WAIT#${PHONE}`,
      runId: 'run-1',
      step: 'MFA',
      expiresAt: NOW + 150_000,
      previousCodeHash: codeHash(SIGN_UP_CODE),
      userPoolId: 'us-east-1_abc',
      username: 'synthetic-run-1',
    });
    expect(JSON.stringify(wait)).not.toContain(SIGN_UP_CODE);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'runs-test',
      Key: { pk: 'RUN#run-1' },
      ExpressionAttributeNames: { '#s': 'authSession', '#u': 'challengeUsername', '#c': 'challengeName' },
      ExpressionAttributeValues: { ':s': SESSION, ':u': 'synthetic-run-1', ':c': 'SMS_MFA' },
    });
    expect(recordedFirstSignIn()).toEqual(['mfa-challenged']);
    await expectNoSecrets(out);
  });

  describe('a first sign-in that returns tokens (Cognito: the sign-up confirmation was the second factor)', () => {
    it('signs in once more and passes when that second sign-in is challenged with SMS_MFA', async () => {
      cognito.on(InitiateAuthCommand).resolvesOnce(TOKENS).resolves(CHALLENGE);
      const logs = captureLogs();
      const out = await initiateAuth({ runId: 'run-1' }).finally(() => logs.restore());
      const logged = logs.lines.join('');
      expect(out).toEqual({ challenge: 'SMS_MFA', destination: MASKED, firstSignIn: 'tokens-without-mfa' });
      const calls = cognito.commandCalls(InitiateAuthCommand).map((c) => c.args[0].input);
      expect(calls).toHaveLength(2);
      expect(calls[1]).toEqual(calls[0]);
      // Recorded before the second sign-in, so a retried task knows its sign-in is not the first.
      expect(recordedFirstSignIn()).toEqual(['tokens-without-mfa']);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        ExpressionAttributeNames: { '#s': 'authSession', '#u': 'challengeUsername', '#c': 'challengeName' },
        ExpressionAttributeValues: { ':s': SESSION, ':u': 'synthetic-run-1', ':c': 'SMS_MFA' },
      });
      // The first sign-in's tokens go nowhere: not in the output, the run record, or a log line
      // (the record holds the second sign-in's Session, by design, until it is used).
      await expectNoSecrets(out);
      await expectNoSecrets(logged);
      expect(logged).toContain('signing in again');
      const written = JSON.stringify(updates());
      for (const secret of [JWT, 'refresh-token-secret']) expect(written + logged).not.toContain(secret);
    });

    it('fails with MfaNotEnforced only when the second sign-in returns tokens too, and keeps no session', async () => {
      cognito.on(InitiateAuthCommand).resolves(TOKENS);
      const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
      expect(error.name).toBe('MfaNotEnforced');
      expect(error.message).toMatch(/first sign-in and again on the second/);
      expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(2);
      expect(sessionSaved()).toBe(false);
      await expectNoSecrets(error.message);
      expect(error.message).not.toContain('refresh-token-secret');
    });

    it('fails with UnexpectedChallenge when the second sign-in asks for something else', async () => {
      cognito.on(InitiateAuthCommand).resolvesOnce(TOKENS).resolves({ ChallengeName: 'MFA_SETUP', Session: SESSION });
      await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({
        name: 'UnexpectedChallenge',
        message: expect.stringContaining('MFA_SETUP challenge on the second sign-in'),
      });
      expect(sessionSaved()).toBe(false);
    });

    it('in a retried task whose first sign-in already returned tokens, signs in once: tokens again are MfaNotEnforced', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { ...run(), firstSignIn: 'tokens-without-mfa' } });
      cognito.on(InitiateAuthCommand).resolves(TOKENS);
      await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({ name: 'MfaNotEnforced' });
      expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
      expect(recordedFirstSignIn()).toEqual([]);
    });

    it('in a retried task whose first sign-in already returned tokens, a challenge passes and still reports tokens-without-mfa', async () => {
      ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { ...run(), firstSignIn: 'tokens-without-mfa' } });
      await expect(initiateAuth({ runId: 'run-1' })).resolves.toMatchObject({ firstSignIn: 'tokens-without-mfa' });
      expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
    });
  });

  it('in a retried task whose first sign-in was challenged, tokens now are MfaNotEnforced at once', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: { ...run(), firstSignIn: 'mfa-challenged' } });
    cognito.on(InitiateAuthCommand).resolves(TOKENS);
    const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'MfaNotEnforced', message: expect.not.stringContaining('second') });
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
  });

  it.each([['NEW_PASSWORD_REQUIRED'], ['SOFTWARE_TOKEN_MFA'], ['SELECT_MFA_TYPE']])(
    'fails with UnexpectedChallenge on %s',
    async (challenge) => {
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: challenge as never, Session: SESSION });
      const error = (await initiateAuth({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
      expect(error).toMatchObject({ name: 'UnexpectedChallenge', message: expect.stringContaining(challenge) });
      expect(error.message).not.toContain('second sign-in');
      await expectNoSecrets(error.message);
      expect(sessionSaved()).toBe(false);
      expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
    },
  );

  it('fails with UnexpectedChallenge when there is no challenge or no Session', async () => {
    cognito.on(InitiateAuthCommand).resolves({});
    await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('no challenge'),
    });
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SMS_MFA' });
    await expect(initiateAuth({ runId: 'run-1' })).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('without a Session'),
    });
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

  it('as a Lambda handler, returns no token of a first sign-in that skipped MFA', async () => {
    cognito.on(InitiateAuthCommand).resolvesOnce(TOKENS).resolves(CHALLENGE);
    const out = await handler({ runId: 'run-1' }, {} as never);
    await expectNoSecrets(out);
    expect(JSON.stringify(out)).not.toContain('refresh-token-secret');
  });
});
