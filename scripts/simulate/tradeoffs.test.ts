import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEDULED_DEFAULT_RETRIES } from '../../lib/verify/attempts';
import { TIMEOUT_LIMITS } from '../../lib/verify/timeouts';
import { BEFORE, DEFAULT_RULE, GOALS, tradeoff, tradeoffRows, tradeoffTable } from './tradeoffs';

const ROOT = join(__dirname, '../..');

describe('the trade-off table (README "When it pages")', () => {
  const defaults = tradeoff({ cadenceMinutes: 5, retries: SCHEDULED_DEFAULT_RETRIES, rule: DEFAULT_RULE });

  it('is built on the stack defaults: the paging rule of serverless.yml, the scheduled retries and the MFA code wait', () => {
    const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
    const param = (name: string) => Number(new RegExp(`^\\s+${name}: (\\d+)$`, 'm').exec(yml)?.[1]);
    expect(DEFAULT_RULE).toEqual({
      evaluationPeriods: param('pageEvaluationPeriods'),
      datapointsToAlarm: param('pageDatapointsToAlarm'),
      periodSeconds: param('alarmPeriodSeconds'),
    });
    expect(defaults.codeWaitSeconds).toBe(TIMEOUT_LIMITS.mfaCodeSeconds.default);
  });

  it('meets the goals at the default cadence at worst: a pool fault within two intervals, a carrier outage within 15 minutes', () => {
    expect(defaults.poolWorstMinutes).toBeLessThanOrEqual(GOALS.poolMinutes);
    expect(defaults.carrierWorstMinutes).toBeLessThanOrEqual(GOALS.carrierMinutes);
    // A false page every several years at 0.5% loss, about one a year at 2%.
    expect(defaults.falsePagesPerMonth.loss0_5).toBeLessThan(0.01);
    expect(defaults.falsePagesPerMonth.loss2).toBeLessThan(0.2);
  });

  it('shows why: the rule before the tuning missed the carrier goal, and one failed check with fewer retries pages falsely every month', () => {
    const before = tradeoff(BEFORE);
    expect(before.carrierWorstMinutes).toBeGreaterThan(GOALS.carrierMinutes);
    expect(before.poolWorstMinutes).toBeGreaterThan(GOALS.poolMinutes);
    const oneRetry = tradeoff({ cadenceMinutes: 5, retries: 1, rule: DEFAULT_RULE });
    expect(oneRetry.falsePagesPerMonth.loss2).toBeGreaterThan(1);
    // Each retry waits its code out once more: later detection of a carrier outage.
    expect(oneRetry.carrierWorstMinutes).toBeLessThan(defaults.carrierWorstMinutes);
  });

  it('grows with the cadence in detection and shrinks in cost', () => {
    const rows = tradeoffRows().filter((r) => r.retries === 2 && r.rule === '1 of 2 × 5 min');
    expect(rows.map((r) => r.cadenceMinutes)).toEqual([1, 5, 10, 15]);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].poolWorstMinutes).toBeGreaterThan(rows[i - 1].poolWorstMinutes);
      expect(rows[i].signinUsdPerMonth).toBeLessThan(rows[i - 1].signinUsdPerMonth);
    }
  });

  it('is in the README as `npm run -s simulate -- --tradeoffs` prints it', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(tradeoffTable());
  });
});
