import { alarmsPerMonth, expectedFalsePagesPerMonth, expectedNoSuccessPagesPerMonth, matchPages, outages, recoveryMs } from './report';
import type { SimulationResult } from './run';
import { DEFAULT_SMS_MODEL } from './smsModel';

const CHECK_FAILING = { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 };

describe('simulation report', () => {
  it('counts a page false only outside every outage and its recovery window', () => {
    const recovery = recoveryMs([{ periodSeconds: 1800, evaluationPeriods: 1 } as never, { ...CHECK_FAILING } as never]);
    expect(recovery).toBe(2 * 1800_000);
    const fault = { kind: 'mfa-off' as const, start: 1_000_000, end: 2_800_000 };
    const pages = matchPages(
      [
        { alarm: 'CheckFailingAlarm', at: 1_500_000 },
        { alarm: 'CheckFailingAlarm', at: 2_800_000 + recovery },
        { alarm: 'CheckFailingAlarm', at: 2_800_001 + recovery },
        { alarm: 'CheckFailingAlarm', at: 999_999 },
      ],
      [fault],
      recovery,
    );
    expect(pages.map((p) => p.outage)).toEqual(['mfa-off', 'mfa-off', null, null]);
  });

  it('derives the expected false pages from loss, retries and M of N', () => {
    // Every attempt fails: every period breaches; a fresh ALARM needs the count to just reach M, which never happens again.
    expect(alarmsPerMonth(1, CHECK_FAILING)).toBe(0);
    // p small: about C(N-1, M-1) p^M per period.
    expect(alarmsPerMonth(0.01, CHECK_FAILING) / (2 * 0.01 ** 2 * 0.99 * 8640)).toBeCloseTo(1, 6);
    const signin = (retries: number) => ({ everyMinutes: 5, retries, smsPerAttempt: 1 });
    const opts = { codeWaitMs: 150_000, checks: [signin(1)], ...CHECK_FAILING };
    const low = expectedFalsePagesPerMonth(DEFAULT_SMS_MODEL, opts);
    const high = expectedFalsePagesPerMonth({ ...DEFAULT_SMS_MODEL, loss: 0.02 }, opts);
    expect(low.checkFails).toBeCloseTo(low.attemptFails ** 2, 12);
    expect(high.perMonth).toBeGreaterThan(low.perMonth * 50);
    expect(expectedFalsePagesPerMonth(DEFAULT_SMS_MODEL, { ...opts, checks: [signin(0)] }).perMonth).toBeGreaterThan(low.perMonth * 100);
  });

  it('pages once per failed check at 1 of N, and counts a sign-up check (2 SMS an attempt) in its share of the periods', () => {
    const oneOfTwo = { periodSeconds: 300, evaluationPeriods: 2, datapointsToAlarm: 1 };
    const signin = { everyMinutes: 5, retries: 2, smsPerAttempt: 1 };
    const only = expectedFalsePagesPerMonth({ ...DEFAULT_SMS_MODEL, loss: 0.02 }, { codeWaitMs: 120_000, checks: [signin], ...oneOfTwo });
    expect(only.checkFails).toBeCloseTo(only.attemptFails ** 3, 14);
    // Rare failures: each failed check is one fresh page.
    expect(only.perMonth / only.failedChecksPerMonth).toBeCloseTo(1, 2);
    const signup = { everyMinutes: 360, retries: 2, smsPerAttempt: 2 };
    const both = expectedFalsePagesPerMonth(
      { ...DEFAULT_SMS_MODEL, loss: 0.02 },
      { codeWaitMs: 120_000, checks: [signin, signup], ...oneOfTwo },
    );
    const signupFails = (1 - (1 - only.attemptFails) ** 2) ** 3;
    expect(both.failedChecksPerMonth - only.failedChecksPerMonth).toBeCloseTo(signupFails * 120, 8);
    expect(both.perMonth).toBeGreaterThan(only.perMonth);
  });

  it('models the no-success page (a whole period failing)', () => {
    expect(expectedNoSuccessPagesPerMonth(0.5, 6, 1800)).toBeCloseTo(0.5 ** 6 * 1440, 8);
  });

  it('reports a fault the stack never recovered from, and one it could not undo, instead of hiding it', () => {
    const fault = { kind: 'auth-flow-removed' as const, start: 0, end: 1_800_000 };
    const run = (status: string, start: number) => ({ check: 'signin', kind: 'signin', name: 'n', status, start, end: start + 6_000 });
    const result = (executions: ReturnType<typeof run>[], restoreError?: string) =>
      ({ faults: [{ ...fault, ...(restoreError && { restoreError }) }], executions }) as unknown as SimulationResult;
    const pages = [{ alarm: 'CheckFailingAlarm', at: 600_000 }];
    const [never] = outages(result([run('FAILED', 1_900_000)]), pages, 3_600_000);
    expect(never.detectedAfterMinutes).toBe(10);
    expect(never.neverRecovered).toBe('no check passed after the fault ended');
    const [undone] = outages(result([run('SUCCEEDED', 1_900_000)], 'ResourceNotFoundException: gone'), pages, 3_600_000);
    expect(undone.neverRecovered).toMatch(/could not be undone: ResourceNotFoundException/);
    const [ok] = outages(result([run('SUCCEEDED', 1_900_000)]), [], 3_600_000);
    expect(ok).toMatchObject({ detectedAfterMinutes: null, recoveredAfterMinutes: 1.8 });
    expect(ok.neverRecovered).toBeUndefined();
  });
});
