import { alarmsPerMonth, expectedFalsePagesPerMonth, matchPages, recoveryMs } from './report';
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
    const opts = { codeWaitMs: 150_000, retries: 1, everyMinutes: 5, ...CHECK_FAILING };
    const low = expectedFalsePagesPerMonth(DEFAULT_SMS_MODEL, opts);
    const high = expectedFalsePagesPerMonth({ ...DEFAULT_SMS_MODEL, loss: 0.02 }, opts);
    expect(low.checkFails).toBeCloseTo(low.attemptFails ** 2, 12);
    expect(high.perMonth).toBeGreaterThan(low.perMonth * 50);
    expect(expectedFalsePagesPerMonth(DEFAULT_SMS_MODEL, { ...opts, retries: 0 }).perMonth).toBeGreaterThan(low.perMonth * 100);
  });
});
