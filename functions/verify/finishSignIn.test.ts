import { tokenIssuerInFile } from '../../tests/support/tokenIssuer';
import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  CodeMismatchException,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { finishSignIn, handler } from './finishSignIn';
import type { RunItem } from '../../lib/runs/model';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const sfn = mockClient(SFNClient);
const CODE = '482913';
const SESSION = 'AYABeCognitoChallengeSession-secret-value';
const POOL = 'us-east-1_abc';
const CLIENT_ID = 'client1abc';
const SUB = '7f1c0a2e-1111-2222-3333-444455556666';
const STANDING = 'synthetic-standing-0123456789abcdef01234567';
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
    'cognito:username': STANDING,
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
    username: STANDING,
    exp: exp(),
    iat: exp() - 3600,
    ...over,
  });

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:cognito-sms-mfa-dev-verify:run-1';
const run = (over: Partial<RunItem> = {}): RunItem =>
  runItem({ kind: 'signin', username: STANDING, authSession: SESSION, standingUser: 'reused', ...over });
let tokens: { IdToken: string; AccessToken: string; RefreshToken: string };
const event = { runId: 'run-1', executionArn: ARN, startedAt: new Date(Date.now() - 5000).toISOString() };

function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [CODE, SESSION, tokens.IdToken, tokens.AccessToken, REFRESH, PHONE, '5555550100']) expect(json).not.toContain(s);
  expect(json).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
}

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  sfn.reset();
  tokens = { IdToken: idToken(), AccessToken: accessToken(), RefreshToken: REFRESH };
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb
    .on(UpdateCommand, { Key: { pk: `WAIT#${PHONE}` } })
    .resolves({ Attributes: { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'MFA', code: CODE, answered: true } });
  ddb.on(UpdateCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Attributes: { kind: 'signin', standingUser: 'reused' } });
  ddb.on(DeleteCommand).resolves({});
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  cognito
    .on(RespondToAuthChallengeCommand)
    .callsFake(() => ({ AuthenticationResult: { ...tokens, ExpiresIn: 3600, TokenType: 'Bearer' }, ChallengeParameters: {} }));
  // After the tokens: refreshed (the same tokens will do here) and the refresh token revoked (lib/verify/mfaTokens.test.ts).
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: CLIENT_ID } });
  cognito.on(InitiateAuthCommand).callsFake(() => ({ AuthenticationResult: { IdToken: tokens.IdToken, AccessToken: tokens.AccessToken } }));
  cognito.on(RevokeTokenCommand).resolves({});
});

const recorded = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .find((i) => i.Key?.pk === 'RUN#run-1');

describe('finishSignIn', () => {
  it('answers SMS_MFA with the stored session and code, verifies the tokens, frees the phone, records PASS, and returns the run with no secret', async () => {
    const out = await finishSignIn(event);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SMS_MFA',
      Session: SESSION,
      ChallengeResponses: { USERNAME: STANDING, SMS_MFA_CODE: CODE },
    });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `LEASE#${PHONE}` } });
    expect(recorded()).toMatchObject({
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'PASS' }),
      UpdateExpression: expect.stringContaining('REMOVE #authSession'),
    });
    expect(out).toEqual({
      verdict: 'PASS',
      kind: 'signin',
      authFlow: 'password',
      region: 'us-east-1',
      runId: 'run-1',
      userPoolId: POOL,
      phone: '+*******0100',
      standingUser: 'reused',
      tokens: expect.objectContaining({ sub: SUB, username: STANDING, issuerVerified: true, expiresIn: 3600, tokenType: 'Bearer' }),
      durationMs: expect.any(Number),
      steps: [],
    });
    expectNoSecrets(out);
  });

  it('answers SMS_OTP with SMS_OTP_CODE for a passwordless sms-otp run and passes with authFlow sms-otp', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run({ authFlow: 'sms-otp', challengeName: 'SMS_OTP' }) });
    const out = await finishSignIn(event);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SMS_OTP',
      Session: SESSION,
      ChallengeResponses: { USERNAME: STANDING, SMS_OTP_CODE: CODE },
    });
    expect(out).toMatchObject({ verdict: 'PASS', authFlow: 'sms-otp', tokens: { refresh: { verified: true, revoked: true } } });
    expectNoSecrets(out);
  });

  it('reports a recreated standing user and its reason', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'RUN#run-1' } })
      .resolves({ Item: run({ standingUser: 'recreated', standingUserReason: 'password refused', firstSignIn: 'mfa-challenged' }) });
    await expect(finishSignIn(event)).resolves.toMatchObject({
      standingUser: 'recreated',
      standingUserReason: 'password refused',
      firstSignIn: 'mfa-challenged',
    });
  });

  it('lets a wrong code fail as CodeMismatchException (the same reason as a sign-up run), keeping the phone for the failure path', async () => {
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(new CodeMismatchException({ message: 'Invalid code or auth state for the user.', $metadata: {} }));
    const error = (await finishSignIn(event).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('CodeMismatchException');
    expect(error.message).not.toContain(CODE);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    expect(recorded()).toBeUndefined();
  });

  it('fails with ExpiredCode without a session and SmsCodeNotReceived without a code, before calling Cognito', async () => {
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run({ authSession: undefined }) });
    await expect(finishSignIn(event)).rejects.toMatchObject({ name: 'ExpiredCode' });
    ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
    ddb
      .on(UpdateCommand, { Key: { pk: `WAIT#${PHONE}` } })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(finishSignIn(event)).rejects.toMatchObject({ name: 'SmsCodeNotReceived' });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('fails with TokenInvalid when a token does not verify, recording nothing as passed', async () => {
    tokens.IdToken = idToken({ aud: 'another-client' });
    await expect(finishSignIn(event)).rejects.toMatchObject({ name: 'TokenInvalid' });
    expect(recorded()).toBeUndefined();
  });

  it('refuses an event without an execution ARN before any call', async () => {
    await expect(finishSignIn({ runId: 'run-1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'executionArn' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('records PASS without step timings when the execution history cannot be read (the code is used: no failure now)', async () => {
    // GetExecutionHistory's throttling error has no class of its own in the SDK: a named error, as it arrives.
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    await expect(finishSignIn(event)).resolves.toMatchObject({ verdict: 'PASS', steps: [] });
    expect(recorded()).toMatchObject({ ExpressionAttributeValues: expect.objectContaining({ ':status': 'PASS', ':steps': [] }) });
  });

  it('retries a throttled verdict write in place and records PASS', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: { httpStatusCode: 400 } });
    ddb
      .on(UpdateCommand, { Key: { pk: 'RUN#run-1' } })
      .rejectsOnce(throttled)
      .resolves({ Attributes: { kind: 'signin', standingUser: 'reused' } });
    await expect(finishSignIn(event)).resolves.toMatchObject({ verdict: 'PASS', kind: 'signin' });
    expect(ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.pk === 'RUN#run-1')).toHaveLength(2);
  });

  it('does not retry a refused verdict write', async () => {
    ddb
      .on(UpdateCommand, { Key: { pk: 'RUN#run-1' } })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } }));
    await expect(finishSignIn(event)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.pk === 'RUN#run-1')).toHaveLength(1);
  });

  it('as a Lambda handler, returns the output', async () => {
    await expect(handler(event, {} as never)).resolves.toMatchObject({ verdict: 'PASS', kind: 'signin' });
  });
});
