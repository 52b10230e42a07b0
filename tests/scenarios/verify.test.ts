import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { captureLogs, contains } from '../support/logCapture';
import { expectStillWaiting, masked, routeLog, startWaitingForSignUpCode } from '../support/codeRoutes';
import { nextPhone, ScenarioCloud } from './harness';

/** Issue: the end-to-end sign-up / SMS-MFA verification state machine and the code callback. */
// The callback's refusals are counted in CodeNotDelivered (EMF lines), which the scenarios read.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let db: DynamoDBDocumentClient;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, 60_000);
afterAll(async () => {
  logs?.restore();
  cognito?.destroy();
  db?.destroy();
  await s?.close();
});

const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;
const userExists = async (userPoolId: string, username: string) =>
  cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })).then(
    () => true,
    (e: Error) => (e.name === 'UserNotFoundException' ? false : Promise.reject(e)),
  );

async function expectCleanedUp(runId: string, phone: string) {
  const run = await item(`RUN#${runId}`);
  expect(await userExists(run!.userPoolId, run!.username)).toBe(false);
  expect(await item(`LEASE#${phone}`)).toBeUndefined();
  expect(run!.authSession).toBeUndefined();
}

describe('verification run', () => {
  it('passes end to end: sign-up, SMS code, confirm, password login, SMS MFA, tokens; records step timings', async () => {
    const phone = nextPhone();
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!);
    expect(output).toMatchObject({
      verdict: 'PASS',
      // This local Cognito challenges the first sign-in (as in the seed's transcript); the other
      // way Cognito may behave is in firstSignIn.test.ts.
      firstSignIn: 'mfa-challenged',
      phone: `+*******${phone.slice(-4)}`,
      codeDelivery: { destination: `+*******${phone.slice(-4)}`, medium: 'SMS', attribute: 'phone_number' },
      tokens: {
        issuerVerified: true,
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshTokenIssued: true,
        idToken: { tokenUse: 'id' },
        accessToken: { tokenUse: 'access' },
        // Issue 17, item 7: refreshed, the new tokens verified, the refresh token revoked
        refresh: { flow: 'REFRESH_TOKEN_AUTH', verified: true, rotated: false, revoked: true },
      },
    });
    const run = await item(`RUN#${output.runId}`);
    expect(run).toMatchObject({ status: 'PASS', reason: null, firstSignIn: 'mfa-challenged' });
    const steps = Object.fromEntries((run!.steps as { name: string; ms: number }[]).map((x) => [x.name, x.ms]));
    for (const name of [
      'PrepareRun',
      'AcquireLease',
      'SignUp',
      'AwaitSignUpCode',
      'ConfirmSignUp',
      'InitiateAuth',
      'AwaitMfaCode',
      'RespondToAuthChallenge',
      'DeleteUser',
      'ReleaseLease',
    ]) {
      expect(steps[name]).toEqual(expect.any(Number));
    }
    await expectCleanedUp(output.runId, phone);
  });

  it('fails with SmsCodeNotReceived when no code arrives, and cleans up', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const result = await s.run('verify', {
      target: s.targetName,
      phoneNumber: phone,
      timeouts: { signUpCodeSeconds: 1 },
      codeRoute: 'callback',
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    await expectCleanedUp(result.name!, phone);
    // The cause names the route the code was expected through (the run's input, kept on its record).
    expect(await item(`RUN#${result.name}`)).toMatchObject({
      status: 'FAIL',
      reason: 'SmsCodeNotReceived',
      codeRoute: 'callback',
      cause: 'No SMS code reached the run by the signed callback (POST /codes) before the wait timed out',
    });
  });

  it('fails with SmsCodeNotReceived when the MFA code does not arrive in time', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const executionArn = await s.start('verify', { target: s.targetName, phoneNumber: phone, timeouts: { mfaCodeSeconds: 1 } });
    await s.reached(executionArn, 'AwaitSignUpCode');
    const signUpSms = s.held.find((m) => m.phoneNumber === phone)!;
    expect((await s.submit({ phoneNumber: phone, code: signUpSms.code })).status).toBe(202);
    const result = await s.finish(executionArn);
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    await expectCleanedUp(result.name!, phone);
  });

  it('fails with CodeMismatch on a wrong code, and cleans up', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'wrong');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect(result).toMatchObject({ status: 'FAILED', error: 'CodeMismatch' });
    await expectCleanedUp(result.name!, phone);
  });

  it('holds the phone of a failed run a moment, so its late SMS cannot answer the next run on that phone', async () => {
    const configured = process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
    process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = '2';
    try {
      // Given a run that failed on a wrong code, its real sign-up SMS still on the way
      const phone = nextPhone();
      s.modes.set(phone, 'wrong');
      const failed = await s.run('verify', { target: s.targetName, phoneNumber: phone });
      expect(failed).toMatchObject({ status: 'FAILED', error: 'CodeMismatch' });
      const lateCode = s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone && m.kind === 'SIGN_UP').at(-1)!.code;

      // When the next run starts on the phone at once, and the late SMS arrives
      s.modes.set(phone, 'deliver');
      const next = await s.start('verify', { target: s.targetName, phoneNumber: phone });
      const late = await s.submit({ phoneNumber: phone, code: lateCode });

      // Then the late code meets the failed run's wait (answered by the wrong code, then closed),
      // never the next run's, and the next run passes on its own codes
      expect(late.body.error.runId).toBe(failed.name);
      expect([409, 410]).toContain(late.status);
      const passed = await s.finish(next);
      expect(passed.status).toBe('SUCCEEDED');
      const steps = (await s.history(next)).filter((e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'PhoneBusy');
      expect(
        steps.length + (await s.history(next)).filter((e) => e.lambdaFunctionFailedEventDetails?.error === 'PhoneBusy').length,
      ).toBeGreaterThan(0);
    } finally {
      if (configured === undefined) delete process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
      else process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = configured;
    }
  });

  it('fails with MfaNotEnforced on a pool with MFA off (the sign-in after the first returns tokens too)', async () => {
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({ PoolName: 'NoMfaPool', MfaConfiguration: 'OFF', AutoVerifiedAttributes: ['phone_number'] }),
    );
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: UserPool!.Id,
        ClientName: 'c',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const phone = nextPhone();
    const result = await s.run('verify', { userPoolId: UserPool!.Id, clientId: UserPoolClient!.ClientId, phoneNumber: phone });
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'MfaNotEnforced',
      cause: expect.stringContaining('first sign-in and again on the second'),
    });
    await expectCleanedUp(result.name!, phone);
  });

  it('fails with ValidationError naming the field on bad input', async () => {
    const result = await s.run('verify', { target: s.targetName, phoneNumber: '555-0100' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError', cause: expect.stringContaining('phoneNumber') });
  });

  it('keeps the raw phone number out of every state after the first, also when the input is refused', async () => {
    const phone = nextPhone();
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone, timeouts: { mfaCodeSeconds: 999 } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError', cause: expect.stringContaining('timeouts.mfaCodeSeconds') });
    const events = await s.history(result.executionArn!);
    // A caught error is added to the failed state's input, so the first state's exit and the Pass
    // state that drops everything but the error still see it; nothing after them does.
    const dropped = events.findIndex((e) => e.stateExitedEventDetails?.name === 'KeepOnlyTheError');
    expect(dropped).toBeGreaterThan(0);
    expect(JSON.stringify(events.slice(dropped))).not.toContain(phone);
  });

  it('fails with TargetNotFound for an unknown target', async () => {
    const result = await s.run('verify', { target: 'NoSuchTarget', phoneNumber: nextPhone() });
    expect(result).toMatchObject({ status: 'FAILED', error: 'TargetNotFound' });
  });

  it('answers a duplicate callback 409 and still passes', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'duplicate');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    // Each SMS is posted twice: the first answer wins. The repeat is refused (409), unless it comes
    // while the await task has parked its token but not yet resumed the run: the callback's
    // idempotent resume then answers 202 and the await task finds the task closed (seen in CI).
    // (The sign-up repeat may complete after the MFA code's first post, so the order is not asserted.)
    const statuses = s.answers.filter((a) => a.phoneNumber === phone).map((a) => a.status);
    expect(statuses).toHaveLength(4);
    expect(statuses.filter((st) => st === 202).length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((st) => st === 202 || st === 409)).toBe(true);
  });

  it('answers a callback after the run ended 410', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone, timeouts: { signUpCodeSeconds: 1 } });
    expect(result.status).toBe('FAILED');
    expect((await s.submit({ phoneNumber: phone, code: '123456' })).status).toBe(410);
  });

  it('refuses missing, bad and stale signatures with 401 and resumes nothing', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const executionArn = await s.start('verify', { target: s.targetName, phoneNumber: phone, timeouts: { signUpCodeSeconds: 5 } });
    await s.reached(executionArn, 'AwaitSignUpCode');
    const code = s.held.find((m) => m.phoneNumber === phone)!.code;
    const body = { phoneNumber: phone, code };
    const stale = `t=${Math.floor(Date.now() / 1000) - 600},v1=${'0'.repeat(64)}`;
    for (const signature of [null, 't=1,v1=nothex', `t=${Math.floor(Date.now() / 1000)},v1=${'a'.repeat(64)}`, stale]) {
      const answer = await s.submit(body, { signature });
      expect(answer.status).toBe(401);
      expect(JSON.stringify(answer.body)).not.toContain(code);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await s.statusOf(executionArn)).toBe('RUNNING');
    expect((await s.history(executionArn)).some((e) => e.stateEnteredEventDetails?.name === 'ConfirmSignUp')).toBe(false);
    // The real code, properly signed, still resumes it.
    expect((await s.submit(body)).status).toBe(202);
    await s.reached(executionArn, 'ConfirmSignUp');
    await s.cloud.engine.stopExecution({ executionArn, error: 'TestDone', cause: 'scenario finished' });
  });

  it('cleans up a run that is stopped while it waits (EventBridge status change → clean-up Lambda)', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const executionArn = await s.start('verify', { target: s.targetName, phoneNumber: phone });
    await s.reached(executionArn, 'AwaitSignUpCode');
    const runId = executionArn.split(':').pop()!;
    const run = await item(`RUN#${runId}`);
    expect(await userExists(run!.userPoolId, run!.username)).toBe(true);
    await s.cloud.engine.stopExecution({ executionArn, error: 'Stopped', cause: 'an operator stopped it' });
    for (let i = 0; i < 100 && (await item(`RUN#${runId}`))!.status === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 20));
    await expectCleanedUp(runId, phone);
    expect(await item(`RUN#${runId}`)).toMatchObject({
      status: 'FAIL',
      reason: 'Aborted',
      cause: 'The execution was ABORTED (StopExecution)',
    });
    // A code arriving now is told the wait is over.
    expect((await s.submit({ phoneNumber: phone, code: s.held.at(-1)!.code })).status).toBe(410);
  });

  it('serialises two runs on the same phone: both pass, neither takes the other’s code', async () => {
    const phone = nextPhone();
    const [a, b] = await Promise.all([
      s.start('verify', { target: s.targetName, phoneNumber: phone }),
      s.start('verify', { target: s.targetName, phoneNumber: phone }),
    ]);
    const results = await Promise.all([s.finish(a), s.finish(b)]);
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // One run's whole SMS conversation ends before the other's begins.
    const window = async (arn: string) => {
      const events = await s.history(arn);
      const at = (state: string, kind: 'Entered' | 'Exited') =>
        events
          .find((e) => e.type?.endsWith(`State${kind}`) && (e.stateEnteredEventDetails ?? e.stateExitedEventDetails)?.name === state)!
          .timestamp!.getTime();
      return [at('SignUp', 'Entered'), at('ReleaseLease', 'Exited')];
    };
    const [wa, wb] = [await window(a), await window(b)];
    expect(wa[1] <= wb[0] || wb[1] <= wa[0]).toBe(true);
  });

  it('runs ten checks on ten phones at once, all passing', async () => {
    const arns = await Promise.all(Array.from({ length: 10 }, () => s.start('verify', { target: s.targetName, phoneNumber: nextPhone() })));
    const results = await Promise.all(arns.map((arn) => s.finish(arn)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('SUCCEEDED'));
  });
});

/**
 * Issue 10, "Bad input and faults", for the signed callback: each refusal ends in one named line
 * (`code <Outcome>`, phone masked) and, when it may have lost a code, one CodeNotDelivered, as on
 * the other routes. The HTTP answers are the callback's own (README "The signed callback").
 */
describe('the callback reports each message it refuses', () => {
  const NO_CODE = { code: 'InvalidRequest', field: 'message', message: 'message contains no 4-8 digit code' };
  const phones: string[] = [];
  const { lines, outcomes } = routeLog(() => logs.lines, 'callback');
  /** What the callback wrote from log position `from` on: its outcome lines, and its CodeNotDelivered metrics by outcome. */
  const since = (from: number) => {
    const written = routeLog(() => logs.lines.slice(from), 'callback');
    return {
      outcomes: written.outcomes(),
      metrics: (outcome: string) => written.notDelivered(outcome),
    };
  };

  /** Given a run waiting for its sign-up code, the phone's SMS held back for the scenario to hand over. */
  async function runWaiting() {
    const phone = nextPhone();
    phones.push(phone);
    s.modes.set(phone, 'hold');
    return { phone, executionArn: await startWaitingForSignUpCode(s, phone) };
  }
  const heldFor = (phone: string, kind: 'SIGN_UP' | 'MFA') => s.held.filter((m) => m.phoneNumber === phone && m.kind === kind).at(-1)!;

  /** The real SMS texts, posted as `message`, still resume the run: it passes. */
  async function finishThroughCallback(phone: string, executionArn: string) {
    expect((await s.submit({ phoneNumber: phone, message: heldFor(phone, 'SIGN_UP').message })).status).toBe(202);
    await s.reached(executionArn, 'AwaitMfaCode');
    expect((await s.submit({ phoneNumber: phone, message: heldFor(phone, 'MFA').message })).status).toBe(202);
    expect((await s.finish(executionArn)).status).toBe('SUCCEEDED');
  }

  it('given a run waits, when a text without a code is posted, then 400, one NoCode line and metric, the run keeps waiting, and the real code passes it', async () => {
    const { phone, executionArn } = await runWaiting();
    const from = logs.lines.length;
    const answer = await s.submit({ phoneNumber: phone, message: 'Hi! Your carrier says hello.' });
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: NO_CODE });
    const written = since(from);
    expect(written.outcomes).toEqual([
      expect.objectContaining({ message: 'code NoCode', level: 'WARN', phone: masked(phone), rule: 'contains no 4-8 digit code' }),
    ]);
    expect(written.metrics('NoCode')).toHaveLength(1);
    await expectStillWaiting(s, executionArn);
    await finishThroughCallback(phone, executionArn);
  });

  it.each(['STOP', 'HELP'])(
    'given a run waits, when %s is posted, then 400 as for any text without a code, logged Keyword and never counted, and the run still passes',
    async (keyword) => {
      const { phone, executionArn } = await runWaiting();
      const from = logs.lines.length;
      const answer = await s.submit({ phoneNumber: phone, message: keyword });
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: NO_CODE });
      const written = since(from);
      // A keyword loses nothing (the carrier answers it), as on the inbound-SMS and Twilio routes.
      expect(written.outcomes).toEqual([
        expect.objectContaining({ message: 'code Keyword', level: 'INFO', phone: masked(phone), keyword }),
      ]);
      expect(written.metrics('Keyword')).toHaveLength(0);
      await expectStillWaiting(s, executionArn);
      await finishThroughCallback(phone, executionArn);
    },
  );

  it('given a run waits, when forged, oversized and non-JSON requests carry its code, then each is refused, logged and counted, nothing resumes, and the real code still passes it', async () => {
    const { phone, executionArn } = await runWaiting();
    const text = heldFor(phone, 'SIGN_UP').message;
    const body = { phoneNumber: phone, message: text };
    const from = logs.lines.length;
    const unsigned = await s.submit(body, { signature: null });
    const forged = await s.submit(body, { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'a'.repeat(64)}` });
    const oversized = await s.submit({ phoneNumber: phone, message: `${text} ${'x'.repeat(5000)}` });
    const notJson = await fetch(`${s.cloud.urls.api}/codes`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
    await notJson.text();
    expect([unsigned.status, forged.status, oversized.status, notJson.status]).toEqual([401, 401, 413, 415]);
    expect(oversized.body.error.code).toBe('PayloadTooLarge');

    const written = since(from);
    expect(written.outcomes.map((l) => [l.message, l.reason ?? l.field ?? l.bytes > 4096])).toEqual([
      ['code BadSignature', 'missing'],
      ['code BadSignature', 'mismatch'],
      ['code TooLarge', true],
      ['code Malformed', 'content-type'],
    ]);
    // Nothing of a body refused unread is logged, the phone neither.
    for (const line of written.outcomes) expect(line).not.toHaveProperty('phone');
    expect(written.metrics('BadSignature')).toHaveLength(2);
    expect(written.metrics('TooLarge')).toHaveLength(1);
    expect(written.metrics('Malformed')).toHaveLength(1);

    await expectStillWaiting(s, executionArn);
    await finishThroughCallback(phone, executionArn);
  });

  // Runs last: what this file made the callback log.
  it('writes no code, clear phone number, signing secret or SMS text in any line', () => {
    const sent = s.cloud.cognito.sent;
    const everyCode = sent.map((m) => m.code);
    const everyPhone = [...new Set(sent.map((m) => m.phoneNumber))];
    // The callback's own lines, for every code and phone of this file (duplicates, late codes, refusals).
    const callbackLines = JSON.stringify(lines().filter((l) => l.route === 'callback'));
    expect(outcomes().length).toBeGreaterThan(30);
    for (const value of [...everyCode, ...everyPhone])
      expect({ value, found: contains(callbackLines, value) }).toEqual({ value, found: false });
    // Everything written, for this block's phones and codes.
    const all = logs.lines.join('');
    const mine = sent.filter((m) => phones.includes(m.phoneNumber));
    expect(mine).toHaveLength(8);
    for (const value of [...mine.map((m) => m.code), ...phones, s.cloud.callbackSecret, 'carrier says hello', 'Your verification code']) {
      expect({ value, found: contains(all, value) }).toEqual({ value, found: false });
    }
  });
});
