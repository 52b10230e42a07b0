import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureLogs, contains } from '../support/logCapture';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { standingUserPassword } from '../../lib/verify/password';
import { standingUsername } from '../../lib/verify/standingUser';
import { recentRuns } from '../../cli/history';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 12, item 1: sign-in checks on a standing synthetic user, on the local cloud (real SDK
 * clients, cognito-local with its fidelity layer, the same ASL and handlers as deployed). The
 * standing user is made once without any SMS, kept between runs, and recreated when broken.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let db: DynamoDBDocumentClient;
let userPoolId: string;
const logs = captureLogs();

beforeAll(async () => {
  s = await ScenarioCloud.start({ logLevel: 'DEBUG' });
  cognito = new CognitoIdentityProviderClient({});
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, 60_000);
afterAll(async () => {
  logs.restore();
  cognito?.destroy();
  db?.destroy();
  await s?.close();
});

const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;
const signIn = (phone: string, extra: object = {}) =>
  s.run('verify', { kind: 'signin', target: s.targetName, phoneNumber: phone, ...extra });
const smsTo = (phone: string) => s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone).map((m) => m.kind);
const statesEntered = async (executionArn: string) =>
  (await s.history(executionArn)).filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
/** The refresh tokens cognito-local still honours for a user, read from its store (count only matters). */
const refreshTokensOf = (poolId: string, username: string): unknown[] => {
  const store = JSON.parse(readFileSync(join(s.cloud.cognito.dataDir, `${poolId}.json`), 'utf8'));
  const user = Object.values(store.Users ?? {}).find((u) => (u as { Username?: string }).Username === username) as
    { RefreshTokens?: unknown[] } | undefined;
  if (!user) throw new Error(`no user ${username} in the local pool ${poolId}`);
  return user.RefreshTokens ?? [];
};
const getUser = (username: string) => cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));

async function passes(phone: string) {
  const result = await signIn(phone);
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
    cause: undefined,
  });
  return { result, output: JSON.parse(result.output!) };
}

describe('sign-in check', () => {
  it('creates the standing user on the first run (no SMS for it), reuses it on the second; 4 states and one MFA SMS a run', async () => {
    // Given a phone no standing user exists for
    const phone = nextPhone();
    // When two sign-in checks run on it
    const first = await passes(phone);
    userPoolId = first.output.userPoolId;
    const second = await passes(phone);

    // Then the first made the user and the second signed it in as it was
    expect(first.output).toMatchObject({
      verdict: 'PASS',
      kind: 'signin',
      standingUser: 'created',
      firstSignIn: 'mfa-challenged',
      phone: `+*******${phone.slice(-4)}`,
      tokens: {
        issuerVerified: true,
        tokenType: 'Bearer',
        refreshTokenIssued: true,
        idToken: { tokenUse: 'id' },
        accessToken: { tokenUse: 'access' },
        // Issue 17, item 7: refreshed as the app would, the new tokens verified, the refresh token revoked
        refresh: { flow: 'REFRESH_TOKEN_AUTH', verified: true, rotated: false, revoked: true },
      },
    });
    expect(second.output).toMatchObject({ verdict: 'PASS', kind: 'signin', standingUser: 'reused' });
    expect(second.output.tokens.refresh).toMatchObject({ verified: true, revoked: true });
    expect(second.output.firstSignIn).toBeUndefined();
    const username = standingUsername(userPoolId, phone);
    expect(first.output.tokens.username).toBe(username);
    expect(second.output.tokens.sub).toBe(first.output.tokens.sub);
    // Each run entered four states, and sent one SMS: the MFA code (no sign-up code, no invitation)
    for (const { result } of [first, second])
      expect(await statesEntered(result.executionArn!)).toEqual(['ChooseKind', 'StartSignIn', 'AwaitSignInCode', 'FinishSignIn']);
    expect(smsTo(phone)).toEqual(['MFA', 'MFA']);
    // The user is kept, confirmed, with its phone verified; the phone is free; the records say what happened
    const user = await getUser(username);
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'phone_number', Value: phone },
        { Name: 'phone_number_verified', Value: 'true' },
      ]),
    );
    // Synthetic sessions do not pile up: after two runs the standing user holds no live refresh token
    // (cognito-local keeps a user's refresh tokens in its store; RevokeToken removes them).
    expect(refreshTokensOf(userPoolId, username)).toEqual([]);
    expect(await item(`LEASE#${phone}`)).toBeUndefined();
    expect(await item(`RUN#${first.result.name}`)).toMatchObject({ kind: 'signin', status: 'PASS', standingUser: 'created', username });
    const record = await item(`RUN#${second.result.name}`);
    expect(record).toMatchObject({ kind: 'signin', status: 'PASS', standingUser: 'reused' });
    expect(record!.authSession).toBeUndefined();
    expect(logs.lines.join('')).toMatch(
      new RegExp(`"message":"run finished".*"runId":"${second.result.name}".*"kind":"signin".*"verdict":"PASS".*"standingUser":"reused"`),
    );
    // cogcheck history says which kind each run was and what became of the standing user
    const history = await recentRuns(s.sfn, s.cloud.stateMachineArn('verify'), 50);
    expect(history.find((r) => r.runId === first.result.name)).toMatchObject({ verdict: 'PASS', kind: 'signin', standingUser: 'created' });
    expect(history.find((r) => r.runId === second.result.name)).toMatchObject({ verdict: 'PASS', kind: 'signin', standingUser: 'reused' });
  });

  it.each<[string, (username: string) => Promise<unknown>, string, string | undefined]>([
    [
      'its password was changed by an admin',
      (u) =>
        cognito.send(
          new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: u, Password: 'Other-Passw0rd!', Permanent: true }),
        ),
      'recreated',
      'password refused',
    ],
    [
      'it was given a temporary password',
      (u) =>
        cognito.send(
          new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: u, Password: 'Temp-Passw0rd!', Permanent: false }),
        ),
      'recreated',
      'challenge NEW_PASSWORD_REQUIRED',
    ],
    [
      'it was disabled',
      (u) => cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: u })),
      'recreated',
      'user is disabled',
    ],
    ['it was deleted', (u) => cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: u })), 'created', undefined],
  ])('repairs a standing user when %s, and reports it', async (_what, breakIt, outcome, reason) => {
    // Given a standing user that passed a check, then broken by hand
    const phone = nextPhone();
    await passes(phone);
    const username = standingUsername(userPoolId, phone);
    await breakIt(username);
    // When the next check runs
    const { result, output } = await passes(phone);
    // Then it passes on a repaired user, saying what it found and did
    expect(output).toMatchObject({ standingUser: outcome, ...(reason && { standingUserReason: reason }) });
    expect(await item(`RUN#${result.name}`)).toMatchObject({ standingUser: outcome, ...(reason && { standingUserReason: reason }) });
    expect((await getUser(username)).UserStatus).toBe('CONFIRMED');
    // And a third run finds it well again
    expect((await passes(phone)).output.standingUser).toBe('reused');
  });

  it('fails with CodeMismatch on a wrong MFA code, as a sign-up check does, keeping the standing user and freeing the phone', async () => {
    const phone = nextPhone();
    await passes(phone);
    s.modes.set(phone, 'wrong');
    const result = await signIn(phone);
    expect(result).toMatchObject({ status: 'FAILED', error: 'CodeMismatch' });
    expect(await item(`RUN#${result.name}`)).toMatchObject({
      kind: 'signin',
      status: 'FAIL',
      reason: 'CodeMismatch',
      standingUser: 'reused',
    });
    expect((await item(`RUN#${result.name}`))!.authSession).toBeUndefined();
    expect((await getUser(standingUsername(userPoolId, phone))).UserStatus).toBe('CONFIRMED');
    expect(await statesEntered(result.executionArn!)).toEqual([
      'ChooseKind',
      'StartSignIn',
      'AwaitSignInCode',
      'FinishSignIn',
      'ReleaseLeaseAfterFailure',
      'RecordFailure',
      // Issue 18: a run started without `retries` gets none, so RetryOrFail fails at once.
      'RetryOrFail',
      'Failed',
    ]);
    s.modes.set(phone, 'deliver');
    expect((await passes(phone)).output.standingUser).toBe('reused');
  });

  it('fails with SmsCodeNotReceived when the MFA code does not come in time', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const result = await signIn(phone, { timeouts: { mfaCodeSeconds: 1 } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    expect(await item(`RUN#${result.name}`)).toMatchObject({ status: 'FAIL', reason: 'SmsCodeNotReceived', standingUser: 'created' });
    expect(await item(`LEASE#${phone}`)).toBeUndefined();
  });

  it('fails with RefreshFailed, naming the AWS error, when Cognito refuses to refresh the tokens; keeps the standing user', async () => {
    const phone = nextPhone();
    const fault = s.cloud.cognito.injectFault({
      operation: 'InitiateAuth',
      error: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
      match: (req) => (req as { AuthFlow?: string }).AuthFlow === 'REFRESH_TOKEN_AUTH',
    });
    const result = await signIn(phone);
    expect(fault.fired).toBe(1);
    expect(result).toMatchObject({ status: 'FAILED', error: 'RefreshFailed', cause: expect.stringContaining('NotAuthorizedException') });
    const record = await item(`RUN#${result.name}`);
    expect(record).toMatchObject({ status: 'FAIL', reason: 'RefreshFailed', standingUser: 'created' });
    const kept = await cognito.send(new AdminGetUserCommand({ UserPoolId: record!.userPoolId, Username: record!.username }));
    expect(kept.UserStatus).toBe('CONFIRMED');
    expect(await item(`LEASE#${phone}`)).toBeUndefined();
  });

  it('passes when Cognito refuses to revoke the refresh token (token revocation off), saying why', async () => {
    // "You can revoke a refresh token for a user pool client with token revocation enabled" (Revoking
    // tokens, Amazon Cognito Developer Guide); a client without it answers UnsupportedOperationException.
    const phone = nextPhone();
    const fault = s.cloud.cognito.injectFault({ operation: 'RevokeToken', error: 'UnsupportedOperationException' });
    const { output } = await passes(phone);
    expect(fault.fired).toBe(1);
    expect(output.tokens.refresh).toEqual({
      flow: 'REFRESH_TOKEN_AUTH',
      verified: true,
      rotated: false,
      revoked: false,
      notRevokedBecause: 'UnsupportedOperationException',
    });
  });

  it('fails with ValidationError naming the field, before any record or lease, and keeps the raw phone out of the states after it', async () => {
    const result = await signIn('+12065551234', { timeouts: { mfaCodeSeconds: 999 } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError', cause: expect.stringContaining('timeouts.mfaCodeSeconds') });
    const events = await s.history(result.executionArn!);
    // A caught error is added to the failed state's input, so the Pass state that drops everything
    // but the error still sees it; nothing after it does (as KeepOnlyTheError for sign-up runs).
    const dropped = events.findIndex((e) => e.stateExitedEventDetails?.name === 'SignInFailed');
    expect(dropped).toBeGreaterThan(0);
    expect(
      events
        .slice(dropped)
        .map((e) => e.stateEnteredEventDetails?.name)
        .filter(Boolean),
    ).toEqual(['ReleaseLeaseAfterFailure', 'RecordFailure', 'RetryOrFail', 'Failed']);
    expect(JSON.stringify(events.slice(dropped))).not.toContain('2065551234');
  });

  it('keeps the standing user when a sign-in run is stopped while it waits (the stopped-run clean-up frees only the phone)', async () => {
    const phone = nextPhone();
    await passes(phone);
    s.modes.set(phone, 'hold');
    const executionArn = await s.start('verify', { kind: 'signin', target: s.targetName, phoneNumber: phone });
    await s.reached(executionArn, 'AwaitSignInCode');
    await s.cloud.engine.stopExecution({ executionArn, error: 'Stopped', cause: 'an operator stopped it' });
    const runId = executionArn.split(':').pop()!;
    for (let i = 0; i < 100 && (await item(`RUN#${runId}`))?.status === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await item(`RUN#${runId}`)).toMatchObject({ status: 'FAIL', reason: 'Aborted' });
    expect((await getUser(standingUsername(userPoolId, phone))).UserStatus).toBe('CONFIRMED');
  });

  it('keeps the password, codes, sessions, task tokens and JWTs out of histories, outputs and logs', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const arn = await s.start('verify', { kind: 'signin', target: s.targetName, phoneNumber: phone });
    await s.reached(arn, 'AwaitSignInCode');
    const session = (await item(`RUN#${arn.split(':').pop()}`))!.authSession as string;
    expect(session).toEqual(expect.any(String));
    await s.submit({ phoneNumber: phone, code: s.held.at(-1)!.code });
    expect((await s.finish(arn)).status).toBe('SUCCEEDED');

    const events = await s.history(arn);
    const taskTokens = events
      .map((e) => e.taskScheduledEventDetails?.parameters)
      .filter(Boolean)
      .map((p) => JSON.parse(p!).Payload?.taskToken)
      .filter(Boolean) as string[];
    expect(taskTokens).toHaveLength(1);
    const secrets = {
      password: [await standingUserPassword(standingUsername(userPoolId, phone))],
      codes: s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone).map((m) => m.code),
      session: [session],
      taskTokens,
    };
    // Step Functions records a waitForTaskToken task's parameters (the token) in TaskScheduled, on AWS as here.
    const haystacks = {
      history: JSON.stringify(events.map((e) => ({ ...e, taskScheduledEventDetails: undefined }))),
      answers: JSON.stringify(s.answers.map((a) => a.body)),
      logs: logs.lines.join(''),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [kind, values] of Object.entries(secrets))
        for (const value of values) expect({ where, kind, found: contains(text, value) }).toEqual({ where, kind, found: false });
      expect({ where, jwt: /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/.test(text) }).toEqual({ where, jwt: false });
    }
    // The raw phone is in the execution input and the first task's input only, as for sign-up runs.
    const withPhone = events.filter((e) => JSON.stringify(e).includes(phone.slice(1))).map((e) => e.type);
    expect(
      withPhone.every((t) =>
        ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'TaskStateEntered', 'LambdaFunctionScheduled'].includes(t!),
      ),
    ).toBe(true);
  });
});
