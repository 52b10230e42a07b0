// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkSmsBudget, runsPerMonth } = require('../../plugins/smsBudget.js');

describe('SMS cost guardrail', () => {
  it('counts runs per 31-day month for rate() schedules', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(44640);
    expect(runsPerMonth('rate(5 minutes)')).toBe(8928);
    expect(runsPerMonth('rate(1 day)')).toBe(31);
    expect(runsPerMonth('cron(0 * * * ? *)')).toBeUndefined();
  });

  it('refuses a 1-minute schedule against a $1 limit, with the arithmetic', () => {
    const result = checkSmsBudget({ enabled: true, expression: 'rate(1 minute)', pricePerSmsUsd: 0.00645, monthlyLimitUsd: 1 });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('rate(1 minute) = 44640 runs per 31-day month × 2 SMS per run = 89280 SMS × $0.00645 = $575.86 per month');
    expect(result.message).toContain('over the monthly SMS spend limit of $1.00');
  });

  it('accepts a schedule within the limit, and a disabled one', () => {
    expect(checkSmsBudget({ enabled: true, expression: 'rate(1 day)', pricePerSmsUsd: 0.00645, monthlyLimitUsd: 1 })).toMatchObject({ ok: true, monthlyCostUsd: 0.3999 });
    expect(checkSmsBudget({ enabled: false, expression: 'rate(1 minute)', pricePerSmsUsd: 1, monthlyLimitUsd: 0 }).ok).toBe(true);
  });
});

// The SMS sandbox check on deploy lives in plugins/checkPhone.js (tests/stack/checkPhone.test.ts).
