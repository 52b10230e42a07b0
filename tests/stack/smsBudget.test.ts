const { checkSmsBudget, runsPerMonth, retryRunsPerMonth, ASSUMED_FAILURE_RATE } = require('../../plugins/smsBudget.js');

describe('SMS cost guardrail', () => {
  it('counts runs per 31-day month for rate() schedules', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(44640);
    expect(runsPerMonth('rate(5 minutes)')).toBe(8928);
    expect(runsPerMonth('rate(1 day)')).toBe(31);
    expect(runsPerMonth('cron(0 * * * ? *)')).toBeUndefined();
  });

  const check = (name: string, kind: 'signin' | 'signup', schedule: string, extra: Record<string, unknown> = {}) => ({
    name,
    kind,
    schedule,
    enabled: true,
    codeRoute: 'inbound-sms',
    smsPerRun: kind === 'signin' ? 1 : 2,
    ...extra,
  });

  it('counts the retries before a verdict (issue 18): runs × the assumed 5% failing × retries, rounded up', () => {
    expect(ASSUMED_FAILURE_RATE).toBe(0.05);
    expect(retryRunsPerMonth(8928, 0)).toBe(0);
    expect(retryRunsPerMonth(8928, 1)).toBe(447);
    expect(retryRunsPerMonth(8928, 2)).toBe(893);
    const result = checkSmsBudget({
      checks: [check('signin', 'signin', 'rate(5 minutes)', { retries: 1 }), check('signup', 'signup', 'rate(6 hours)', { retries: 2 })],
      pricePerSmsUsd: 0.00645,
      monthlyLimitUsd: 100,
    });
    // (8928 + 447) × 1 + (124 + 13) × 2 = 9649 SMS.
    expect(result).toMatchObject({ ok: true, sms: 9649 });
    expect(result.message).toContain(
      'signin: rate(5 minutes) = (8928 runs + 447 retry runs: 5% assumed failing × 1 retries) × 1 SMS per signin run = 9375 SMS',
    );
  });

  it('refuses a 1-minute sign-up check against a $1 limit, with the arithmetic', () => {
    const result = checkSmsBudget({ checks: [check('signup', 'signup', 'rate(1 minute)')], pricePerSmsUsd: 0.00645, monthlyLimitUsd: 1 });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(
      'signup: rate(1 minute) = 44640 runs × 2 SMS per signup run = 89280 SMS; in all 89280 SMS per 31-day month × $0.00645 = $575.86 per month',
    );
    expect(result.message).toContain('over the monthly SMS spend limit of $1.00');
  });

  it('sums the SMS of every enabled check by kind: 1 per sign-in, 2 per sign-up, 0 on the Custom SMS Sender', () => {
    const checks = [
      check('signin', 'signin', 'rate(5 minutes)'),
      check('signup', 'signup', 'rate(6 hours)'),
      check('carrier-free', 'signup', 'rate(1 minute)', { codeRoute: 'custom-sender', smsPerRun: 0 }),
      check('off', 'signup', 'rate(1 minute)', { enabled: false }),
    ];
    const result = checkSmsBudget({ checks, pricePerSmsUsd: 0.00645, monthlyLimitUsd: 100 });
    // 8928 sign-in runs × 1 + 124 sign-up runs × 2 = 9176 SMS.
    expect(result).toMatchObject({ ok: true, sms: 9176 });
    expect(result.monthlyCostUsd).toBeCloseTo(9176 * 0.00645, 6);
    expect(result.message).toContain('signin: rate(5 minutes) = 8928 runs × 1 SMS per signin run = 8928 SMS');
    expect(result.message).toContain('signup: rate(6 hours) = 124 runs × 2 SMS per signup run = 248 SMS');
    expect(result.message).toContain('carrier-free: rate(1 minute) = 44640 runs × 0 SMS per run (custom-sender) = 0 SMS');
    expect(result.message).not.toContain('off:');
    expect(checkSmsBudget({ checks, pricePerSmsUsd: 0.00645, monthlyLimitUsd: 59 }).ok).toBe(false);
  });

  it('accepts checks within the limit and disabled ones, and names the cron checks it cannot estimate', () => {
    expect(
      checkSmsBudget({ checks: [check('daily', 'signup', 'rate(1 day)')], pricePerSmsUsd: 0.00645, monthlyLimitUsd: 1 }),
    ).toMatchObject({ ok: true, monthlyCostUsd: 0.3999 });
    expect(
      checkSmsBudget({ checks: [check('x', 'signup', 'rate(1 minute)', { enabled: false })], pricePerSmsUsd: 1, monthlyLimitUsd: 0 }).ok,
    ).toBe(true);
    const cron = checkSmsBudget({ checks: [check('nightly', 'signup', 'cron(0 3 * * ? *)')], pricePerSmsUsd: 1, monthlyLimitUsd: 0 });
    expect(cron.ok).toBe(true);
    expect(cron.message).toContain('Not estimated (only rate(...) is): nightly (cron(0 3 * * ? *))');
  });
});

// The SMS sandbox check on deploy lives in plugins/checkPhone.js (tests/stack/checkPhone.test.ts).
