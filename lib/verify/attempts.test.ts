import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { attemptRunId, attemptSeconds, decideRetry, MACHINE_TIMEOUT_SECONDS, readRetries, RETRYABLE } from './attempts';
import { FAILURE_REASONS, type FailureReason } from './classify';

const base = { attempt: 1, retries: 1, elapsedSeconds: 200, nextAttemptSeconds: 900, hasRunRecord: true };

describe('decideRetry (issue 18: retries before a verdict)', () => {
  it('runs an SMS failure again while retries are left, then lets the last attempt decide', () => {
    expect(decideRetry({ ...base, reason: 'SmsCodeNotReceived' })).toEqual({ retry: true, attempt: 2 });
    expect(decideRetry({ ...base, reason: 'SmsCodeNotReceived', attempt: 2 })).toEqual({ retry: false, why: 'no-retries-left' });
    expect(decideRetry({ ...base, reason: 'SmsCodeNotReceived', attempt: 2, retries: 2 })).toEqual({ retry: true, attempt: 3 });
    expect(decideRetry({ ...base, reason: 'SmsCodeNotReceived', attempt: 3, retries: 2 })).toEqual({
      retry: false,
      why: 'no-retries-left',
    });
  });

  it('never retries with retries: 0', () => {
    expect(decideRetry({ ...base, reason: 'SmsCodeNotReceived', retries: 0 })).toEqual({ retry: false, why: 'no-retries-left' });
  });

  it.each<FailureReason>(['MfaNotEnforced', 'AuthFlowNotAllowed', 'ValidationError', 'TargetNotFound', 'PhoneBusy', 'TimedOut'])(
    'does not spend an SMS on %s, which fails the same way again',
    (reason) => {
      expect(decideRetry({ ...base, reason })).toEqual({ retry: false, why: 'not-retryable' });
    },
  );

  it('does not start an attempt that would not fit in the machine TimeoutSeconds', () => {
    expect(decideRetry({ ...base, reason: 'SmsLate', elapsedSeconds: MACHINE_TIMEOUT_SECONDS - 899 })).toEqual({
      retry: false,
      why: 'no-time-left',
    });
    expect(decideRetry({ ...base, reason: 'SmsLate', elapsedSeconds: MACHINE_TIMEOUT_SECONDS - 900 })).toEqual({ retry: true, attempt: 2 });
  });

  it('has nothing to re-run without the first attempt record, and nothing to decide on a pass', () => {
    expect(decideRetry({ ...base, reason: 'Throttled', hasRunRecord: false })).toEqual({ retry: false, why: 'no-run-record' });
    expect(decideRetry({ ...base, reason: undefined })).toEqual({ retry: false, why: 'passed' });
  });

  it('retries only known reasons', () => {
    for (const reason of RETRYABLE) expect(FAILURE_REASONS).toContain(reason);
  });
});

describe('attempts', () => {
  it("are the machine's TimeoutSeconds", () => {
    const asl = parse(readFileSync(join(__dirname, '../../statemachines/verify.asl.yml'), 'utf8')) as { TimeoutSeconds: number };
    expect(asl.TimeoutSeconds).toBe(MACHINE_TIMEOUT_SECONDS);
  });

  it('keep the first run id as the execution name, and fit a re-run id in 80 characters', () => {
    expect(attemptRunId('exec-1', 1)).toBe('exec-1');
    expect(attemptRunId('exec-1', 2)).toBe('exec-1-r2');
    const long = 'x'.repeat(80);
    expect(attemptRunId(long, 3)).toHaveLength(80);
    expect(attemptRunId(long, 3).endsWith('-r3')).toBe(true);
  });

  it('cost the phone hold, their code waits and the other states at most', () => {
    const timeouts = { signUpCodeSeconds: 300, mfaCodeSeconds: 150 };
    expect(attemptSeconds('signin', timeouts, 60)).toBe(60 + 150 + 600);
    expect(attemptSeconds('signup', timeouts, 60)).toBe(60 + 450 + 600);
  });

  it.each([[-1], [3], [1.5], ['1']])('refuses retries %j, naming the field', (value) => {
    expect(() => readRetries(value)).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'retries' }));
  });

  it('takes 0..2 and defaults to 0 for a run started by hand', () => {
    expect([0, 1, 2].map((n) => readRetries(n))).toEqual([0, 1, 2]);
    expect(readRetries(undefined)).toBe(0);
  });
});
