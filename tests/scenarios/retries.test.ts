import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { releasePhone } from '../../lib/runs/releasePhone';
import { reserveLease } from '../../lib/runs/reserveLease';
import { takeLease } from '../../lib/runs/takeLease';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 18, items 2 and 3: a failed attempt is confirmed by immediate re-runs inside the same verify
 * execution (one execution = one check: its status is the confirmed verdict), each attempt with its
 * own run record, linked; every FAIL has a class; a code that comes after its wait is SmsLate.
 * The first attempt fails the way AWS makes it fail: its SMS never reaches the callback (the fake
 * phone drops or holds it), so the await task's TimeoutSecondsPath fires (States.Timeout, "Task
 * state TimeoutSeconds" in the Step Functions developer guide, "Error handling in Step Functions").
 */
let s: ScenarioCloud;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  s = await ScenarioCloud.start();
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, 60_000);
afterAll(async () => {
  db?.destroy();
  await s?.close();
});

const record = async (runId: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk: `RUN#${runId}` }, ConsistentRead: true }))).Item;
/** A short sign-up wait, so a dropped SMS fails an attempt in 2 s. */
const input = (phone: string, retries: number) => ({
  target: s.targetName,
  phoneNumber: phone,
  retries,
  timeouts: { signUpCodeSeconds: 2 },
});

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('retries before a verdict', () => {
  it('passes when the re-run passes: both attempts in the history, linked; the execution SUCCEEDED', async () => {
    // Given a phone whose first SMS is lost, and a check with 1 retry
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const stop = s.cloud.onSms((sms) => {
      if (sms.phoneNumber === phone) s.modes.set(phone, 'deliver');
    });
    try {
      // When the check runs
      const result = await s.run('verify', input(phone, 1));

      // Then the re-run decides: the execution passes, and says it took two attempts
      expect(result.status).toBe('SUCCEEDED');
      const name = result.name!;
      expect(JSON.parse(result.output!)).toMatchObject({ verdict: 'PASS', attempt: 2, runId: `${name}-r2` });
      expect(await record(name)).toMatchObject({
        status: 'FAIL',
        reason: 'SmsCodeNotReceived',
        class: 'sms',
        attempt: 1,
        retries: 1,
        attempts: 2,
        final: false,
      });
      const second = await record(`${name}-r2`);
      expect(second).toMatchObject({ status: 'PASS', attempt: 2, retryOf: name, retries: 1, phoneNumber: phone });
      expect(second!.class).toBeUndefined();
    } finally {
      stop();
    }
  });

  it('fails when the re-run fails too: the execution FAILED with the confirmed reason, the class on both records', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const result = await s.run('verify', input(phone, 1));
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    const name = result.name!;
    expect(await record(name)).toMatchObject({ status: 'FAIL', class: 'sms', attempt: 1, final: false, attempts: 2 });
    expect(await record(`${name}-r2`)).toMatchObject({ status: 'FAIL', class: 'sms', attempt: 2, retryOf: name, final: true });
    expect(await record(`${name}-r3`)).toBeUndefined();
    // Two sign-up SMS went out: one per attempt, none after the verdict.
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone && m.kind === 'SIGN_UP')).toHaveLength(2);
  });

  it('with retries: 0, the first failure is the verdict', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    const result = await s.run('verify', input(phone, 0));
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    const first = await record(result.name!);
    expect(first).toMatchObject({ status: 'FAIL', class: 'sms', attempt: 1, retries: 0, final: true });
    expect(first!.attempts).toBeUndefined();
    expect(await record(`${result.name}-r2`)).toBeUndefined();
  });

  it('does not re-run a pool that refuses the same way again (class pool): one attempt, even with retries: 2', async () => {
    const phone = nextPhone();
    // A pre sign-up trigger refusing the user: Cognito's UserLambdaValidationException (SignUp, Cognito API reference).
    const fault = s.cloud.cognito.injectFault({
      operation: 'SignUp',
      error: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error synthetic users are not allowed.',
      times: 1,
    });
    const result = await s.run('verify', input(phone, 2));
    expect(result).toMatchObject({ status: 'FAILED', error: 'UserLambdaValidationException' });
    expect(fault.fired).toBe(1);
    expect(await record(result.name!)).toMatchObject({ status: 'FAIL', class: 'pool', attempt: 1, retries: 2, final: true });
    expect(await record(`${result.name}-r2`)).toBeUndefined();
  });
});

describe('SmsLate vs SmsLost', () => {
  it('records a code that came after its wait with its delay: SmsLate while the check is undecided, and the re-run decides', async () => {
    const configured = process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
    // The failed attempt keeps its phone 3 s: its late SMS meets its closed wait, and the re-run waits (PhoneBusy).
    process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = '3';
    try {
      const phone = nextPhone();
      s.modes.set(phone, 'hold');
      const arn = await s.start('verify', input(phone, 1));
      const name = arn.split(':').at(-1)!;
      // The first attempt times out and is recorded as failed, a re-run to follow
      await until(async () => ((await record(name))?.status === 'FAIL' ? true : undefined));
      const held = s.held.find((m) => m.phoneNumber === phone)!;
      // When its code arrives now, 2 s or more after the wait ended
      s.modes.set(phone, 'deliver');
      const late = await s.submit({ phoneNumber: phone, code: held.code });
      // Then the code is refused as late, as before, and its delay is on the failed attempt's record
      expect(late.status).toBe(410);
      const first = await record(name);
      expect(first).toMatchObject({ reason: 'SmsLate', class: 'sms', smsLateStep: 'SIGN_UP', smsLateAfterVerdict: false });
      expect(first!.smsLateByMs).toBeGreaterThanOrEqual(0);
      expect(first!.cause).toMatch(/s after the wait ended/);
      // And the re-run, on its own codes, decides the check
      const result = await s.finish(arn);
      expect(result.status).toBe('SUCCEEDED');
      // A duplicate of the late code changes nothing
      const again = await s.submit({ phoneNumber: phone, code: held.code });
      expect([409, 410]).toContain(again.status);
      expect((await record(name))!.smsLateByMs).toBe(first!.smsLateByMs);
    } finally {
      if (configured === undefined) delete process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
      else process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = configured;
    }
  });

  it('attaches a code that came after the final verdict as evidence: the reason stays SmsCodeNotReceived (SmsLost until then)', async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const result = await s.run('verify', input(phone, 0));
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    const held = s.held.find((m) => m.phoneNumber === phone)!;
    const late = await s.submit({ phoneNumber: phone, code: held.code });
    expect(late.status).toBe(410);
    const first = await record(result.name!);
    expect(first).toMatchObject({ reason: 'SmsCodeNotReceived', class: 'sms', smsLateStep: 'SIGN_UP', smsLateAfterVerdict: true });
    expect(first!.smsLateByMs).toBeGreaterThanOrEqual(0);
  });
});

describe('the phone between a failed attempt and its re-run', () => {
  // The simulation (2 days, 2% loss, seed 7) once let a carrier outage go unpaged: the next scheduled
  // check took the phone in each failed attempt's hold, so the attempts of three checks interleaved and
  // each check's last one came after the outage. The re-run now goes first (lib/runs/reserveLease.ts).
  // moto evaluates its one update expression as DynamoDB does: every action on the item as it was before
  // the update ("Using update expressions in DynamoDB", Amazon DynamoDB Developer Guide).
  it('is kept for the re-run: nobody takes it during the hold, only the re-run just after, anyone once the priority ends', async () => {
    const phone = nextPhone();
    await takeLease(phone, 'check-a', 240);
    expect(await releasePhone(phone, 'check-a', { holdSeconds: 60 })).toBe(true);
    expect(await reserveLease(phone, 'check-a', 'check-a-r2', 90)).toBe(true);
    const lease = await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk: `LEASE#${phone}` }, ConsistentRead: true }));
    const { holdUntil, expiresAt } = lease.Item as { holdUntil: number; expiresAt: number };
    expect(expiresAt - holdUntil).toBe(90_000);
    const busy = { name: 'PhoneBusy' };
    // During the hold: neither the next check nor the re-run (a late SMS of the failed attempt must meet its closed wait).
    await expect(takeLease(phone, 'check-b', 240, holdUntil - 1)).rejects.toMatchObject(busy);
    await expect(takeLease(phone, 'check-a-r2', 240, holdUntil - 1)).rejects.toMatchObject(busy);
    // After the hold, within the priority: the next check still waits, the re-run takes it.
    await expect(takeLease(phone, 'check-b', 240, holdUntil + 1)).rejects.toMatchObject(busy);
    await takeLease(phone, 'check-a-r2', 240, holdUntil + 1);
    // The re-run's own lease replaced the reservation: the next check waits for it as for any run.
    await expect(takeLease(phone, 'check-b', 240, expiresAt + 1)).rejects.toMatchObject(busy);
  });

  it('is not reserved by an attempt that no longer holds it, and a re-run nobody reserved for waits like anyone', async () => {
    const phone = nextPhone();
    await takeLease(phone, 'check-c', 240);
    expect(await reserveLease(phone, 'someone-else', 'someone-else-r2', 90)).toBe(false);
    await expect(takeLease(phone, 'someone-else-r2', 240)).rejects.toMatchObject({ name: 'PhoneBusy' });
  });
});
