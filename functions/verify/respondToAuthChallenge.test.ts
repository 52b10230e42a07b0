import { tokenIssuerInFile } from '../../tests/support/tokenIssuer';
import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ExpiredCodeException,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { handler, respondToAuthChallenge } from './respondToAuthChallenge';
import type { RunItem } from '../../lib/runs/model';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const CODE = '482913';
const SESSION = 'AYABeCognitoChallengeSession-secret-value';
const POOL = 'us-east-1_abc';
const CLIENT_ID = 'client1abc';
const SUB = '7f1c0a2e-1111-2222-3333-444455556666';
const REFRESH = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.refresh.iv.cipher.tag';

// Real RS256 tokens, verified against a JWKS served locally at the issuer the Lambda derives.
const tokenIssuer = tokenIssuerInFile(POOL);
const { jwt } = tokenIssuer;

const exp = () => Math.floor(Date.now() / 1000) + 3600;
const idToken = (over: Record<string, unknown> = {}) =>
  jwt({
    sub: SUB,
    aud: CLIENT_ID,
    iss: tokenIssuer.issuer(),
    token_use: 'id',
    'cognito:username': 'synthetic-run-1',
    phone_number: PHONE,
    exp: exp(),
    iat: exp() - 3600,
    ...over,
  });
const accessToken = (over: Record<string, unknown> = {}) =>
  jwt({
    sub: SUB,
    client_id: CLIENT_ID,
    iss: tokenIssuer.issuer(),
    token_use: 'access',
    username: 'synthetic-run-1',
    exp: exp(),
    iat: exp() - 3600,
    ...over,
  });

const run = (over: Partial<RunItem> = {}): RunItem => runItem({ authSession: SESSION, ...over });
let tokens: { IdToken: string; AccessToken: string; RefreshToken: string };

function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [CODE, SESSION, tokens.IdToken, tokens.AccessToken, REFRESH, PHONE, '5555550100']) expect(json).not.toContain(s);
  expect(json).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
}

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  tokens = { IdToken: idToken(), AccessToken: accessToken(), RefreshToken: REFRESH };
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb
    .on(UpdateCommand, { Key: { pk: `WAIT#${PHONE}` } })
    .resolves({ Attributes: { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'MFA', code: CODE, answered: true } });
  ddb.on(UpdateCommand, { Key: { pk: 'RUN#run-1' } }).resolves({});
  cognito
    .on(RespondToAuthChallengeCommand)
    .callsFake(() => ({ AuthenticationResult: { ...tokens, ExpiresIn: 3600, TokenType: 'Bearer' }, ChallengeParameters: {} }));
  // After the tokens: refreshed (the same tokens will do here) and the refresh token revoked (lib/verify/mfaTokens.test.ts).
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: CLIENT_ID } });
  cognito.on(InitiateAuthCommand).callsFake(() => ({ AuthenticationResult: { IdToken: tokens.IdToken, AccessToken: tokens.AccessToken } }));
  cognito.on(RevokeTokenCommand).resolves({});
});

const sessionCleared = () =>
  ddb.commandCalls(UpdateCommand).some((c) => c.args[0].input.Key?.pk === 'RUN#run-1' && c.args[0].input.UpdateExpression === 'REMOVE #s');

describe('respondToAuthChallenge', () => {
  it('answers SMS_MFA with the stored Session and the MFA code, drops the session, verifies the tokens and returns a summary', async () => {
    const out = await respondToAuthChallenge({ runId: 'run-1' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SMS_MFA',
      Session: SESSION,
      ChallengeResponses: { USERNAME: 'synthetic-run-1', SMS_MFA_CODE: CODE },
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `WAIT#${PHONE}` },
      ExpressionAttributeValues: expect.objectContaining({ ':run': 'run-1', ':step': 'MFA' }),
    });
    expect(sessionCleared()).toBe(true);
    expect(out).toEqual({
      sub: SUB,
      username: 'synthetic-run-1',
      idToken: { tokenUse: 'id', exp: expect.any(Number) },
      accessToken: { tokenUse: 'access', exp: expect.any(Number) },
      refreshTokenIssued: true,
      issuerVerified: true,
      expiresIn: 3600,
      tokenType: 'Bearer',
      refresh: { flow: 'REFRESH_TOKEN_AUTH', verified: true, rotated: false, revoked: true },
    });
    // The refresh token is revoked once the refreshed tokens verified, so the session ends with the check.
    expect(cognito).toHaveReceivedCommandWith(RevokeTokenCommand, { Token: REFRESH, ClientId: CLIENT_ID });
    expectNoSecrets(out);
  });

  it('answers SMS_OTP with SMS_OTP_CODE for a passwordless sms-otp run (the record names the challenge), then verifies, refreshes and revokes', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'RUN#run-1' } })
      .resolves({ Item: run({ authFlow: 'sms-otp', challengeName: 'SMS_OTP', challengeUsername: 'uuid-of-user' }) });
    const out = await respondToAuthChallenge({ runId: 'run-1' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SMS_OTP',
      Session: SESSION,
      ChallengeResponses: { USERNAME: 'uuid-of-user', SMS_OTP_CODE: CODE },
    });
    // The code came by the same wait as an SMS_MFA code.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `WAIT#${PHONE}` },
      ExpressionAttributeValues: expect.objectContaining({ ':step': 'MFA' }),
    });
    expect(out).toMatchObject({ refresh: { verified: true, revoked: true } });
    expect(cognito).toHaveReceivedCommandWith(RevokeTokenCommand, { Token: REFRESH, ClientId: CLIENT_ID });
    expectNoSecrets(out);
  });

  it('fails with ExpiredCode when the run has no auth session, before taking the code or calling Cognito', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run({ authSession: undefined }) });
    await expect(respondToAuthChallenge({ runId: 'run-1' })).rejects.toMatchObject({ name: 'ExpiredCode' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('fails with SmsCodeNotReceived when no MFA code was delivered', async () => {
    ddb
      .on(UpdateCommand, { Key: { pk: `WAIT#${PHONE}` } })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(respondToAuthChallenge({ runId: 'run-1' })).rejects.toMatchObject({ name: 'SmsCodeNotReceived' });
    expect(cognito.calls()).toHaveLength(0);
  });

  it.each([
    ['CodeMismatchException', () => new CodeMismatchException({ message: 'Invalid code or auth state for the user.', $metadata: {} })],
    ['ExpiredCodeException', () => new ExpiredCodeException({ message: 'Your software token has already been used once.', $metadata: {} })],
  ])('lets %s through by name', async (name, make) => {
    cognito.on(RespondToAuthChallengeCommand).rejects(make());
    const error = (await respondToAuthChallenge({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).not.toContain(CODE);
    expect(error.message).not.toContain(SESSION);
  });

  it('fails with UnexpectedChallenge when the answer brings another challenge instead of tokens', async () => {
    cognito.on(RespondToAuthChallengeCommand).resolves({ ChallengeName: 'SMS_MFA', Session: 'another-session' });
    const error = (await respondToAuthChallenge({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'UnexpectedChallenge', message: expect.stringContaining('SMS_MFA') });
    expect(error.message).not.toContain('another-session');
    expect(sessionCleared()).toBe(true);
  });

  it('fails with TokenInvalid when the tokens were issued to another app client, quoting no token', async () => {
    tokens = { IdToken: idToken({ aud: 'otherClient' }), AccessToken: accessToken({ client_id: 'otherClient' }), RefreshToken: REFRESH };
    const error = (await respondToAuthChallenge({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('TokenInvalid');
    expectNoSecrets(error.message);
    expect(sessionCleared()).toBe(true);
  });

  it('fails with TokenInvalid when the tokens come from another pool', async () => {
    tokens = {
      IdToken: idToken({ iss: tokenIssuer.issuer().replace(POOL, 'us-east-1_zzz') }),
      AccessToken: accessToken(),
      RefreshToken: REFRESH,
    };
    await expect(respondToAuthChallenge({ runId: 'run-1' })).rejects.toMatchObject({ name: 'TokenInvalid' });
  });

  it('fails with TokenInvalid when Cognito returns no tokens in the result', async () => {
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { ExpiresIn: 3600 } });
    await expect(respondToAuthChallenge({ runId: 'run-1' })).rejects.toMatchObject({ name: 'TokenInvalid' });
  });

  it('rejects a bad run id before any call', async () => {
    await expect(respondToAuthChallenge({ runId: 1 })).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns no code, Session, JWT or phone number', async () => {
    expectNoSecrets(await handler({ runId: 'run-1' }, {} as never));
  });
});
