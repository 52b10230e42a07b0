'use strict';
/**
 * SMS cost guardrail for the scheduled checks (checks.yml). Plain JavaScript so that the
 * Serverless Framework can load it as a local plugin without a build step.
 *
 * A passing run sends 1 SMS for a `signin` check (the MFA code) and 2 for a `signup` check (the
 * sign-up code and the MFA code), none when its codes come back through the pool's Custom SMS
 * Sender (codeRoute custom-sender). If the enabled checks together would send more in a month (31
 * days, the worst case) than the account's monthly SMS spend limit allows, packaging is refused,
 * with the arithmetic, before anything is packaged or deployed.
 *
 * Retries before a verdict (issue 18) are counted: a failed run is re-run up to `retries` times, so
 * a check adds runs × failure rate × retries runs. The failure rate is an assumption, not a
 * measurement: ASSUMED_FAILURE_RATE, 5 %, ten times the published SMS loss (~0.5 %) to cover
 * carrier incidents and a pool failing for a while. A pool misconfigured for a month fails before
 * any retry (lib/verify/attempts.ts RETRYABLE leaves those out), so it adds no SMS.
 */
const { stageParams } = require('./params');
const { rateMinutes, stageChecks } = require('./checks');

const DAYS_PER_MONTH = 31;
/** Share of runs assumed to fail with a retryable reason and be run again (see above). */
const ASSUMED_FAILURE_RATE = 0.05;

/** Re-runs a month for a check's retries at the assumed failure rate: runs × rate × retries, rounded up. */
function retryRunsPerMonth(runs, retries) {
  return retries > 0 ? Math.ceil(runs * ASSUMED_FAILURE_RATE * retries) : 0;
}

/** Runs per month for an EventBridge `rate(...)` expression; undefined for cron (not estimated). */
function runsPerMonth(expression) {
  const everyMinutes = rateMinutes(expression);
  if (!everyMinutes) return undefined;
  return Math.floor((DAYS_PER_MONTH * 24 * 60) / everyMinutes);
}

/**
 * @param {{ checks: Array<{ name: string, kind: string, schedule: string, enabled: boolean, smsPerRun: number, codeRoute?: string, retries?: number }>,
 *           pricePerSmsUsd: number, monthlyLimitUsd: number }} p
 * @returns {{ ok: boolean, message: string, monthlyCostUsd?: number, sms?: number }}
 */
function checkSmsBudget(p) {
  const enabled = p.checks.filter((c) => c.enabled);
  if (!enabled.length) return { ok: true, message: 'SMS budget: no check schedule is enabled, none sends SMS.' };
  const lines = [];
  const unestimated = [];
  let sms = 0;
  for (const check of enabled) {
    const runs = runsPerMonth(check.schedule);
    if (runs === undefined) {
      if (check.smsPerRun > 0) unestimated.push(`${check.name} (${check.schedule})`);
      continue;
    }
    const retryRuns = retryRunsPerMonth(runs, check.retries ?? 0);
    const checkSms = (runs + retryRuns) * check.smsPerRun;
    sms += checkSms;
    const per = check.smsPerRun === 0 ? `0 SMS per run (${check.codeRoute})` : `${check.smsPerRun} SMS per ${check.kind} run`;
    const counted = retryRuns
      ? `(${runs} runs + ${retryRuns} retry runs: ${ASSUMED_FAILURE_RATE * 100}% assumed failing × ${check.retries} retries)`
      : `${runs} runs`;
    lines.push(`${check.name}: ${check.schedule} = ${counted} × ${per} = ${checkSms} SMS`);
  }
  const cost = sms * p.pricePerSmsUsd;
  const arithmetic = `${lines.join('; ')}; in all ${sms} SMS per ${DAYS_PER_MONTH}-day month × $${p.pricePerSmsUsd} = $${cost.toFixed(2)} per month`;
  const notEstimated = unestimated.length
    ? ` Not estimated (only rate(...) is): ${unestimated.join(', ')}; check them against the SMS spend limit yourself.`
    : '';
  if (cost > p.monthlyLimitUsd) {
    return {
      ok: false,
      monthlyCostUsd: cost,
      sms,
      message:
        `SMS budget exceeded: ${arithmetic}, over the monthly SMS spend limit of $${p.monthlyLimitUsd.toFixed(2)}. ` +
        'Slow down or disable checks in checks.yml (or move a check to codeRoute custom-sender), or raise monthlySmsSpendLimitUsd after raising the account limit in SNS (text messaging preferences).' +
        notEstimated,
    };
  }
  return {
    ok: true,
    monthlyCostUsd: cost,
    sms,
    message: `SMS budget: ${arithmetic}, within the $${p.monthlyLimitUsd.toFixed(2)} limit.${notEstimated}`,
  };
}

/** The Serverless plugin: runs the check before package (and so before deploy). The SMS sandbox is plugins/checkPhone.js's. */
class SmsBudgetPlugin {
  /** @param {any} serverless @param {any} _options @param {{ log?: any }} [utils] the framework's logging utilities */
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log ?? { notice: (m) => console.log(m), warning: (m) => console.warn(m) };
    this.hooks = {
      'before:package:initialize': () => this.check(),
    };
  }

  check() {
    const p = stageParams(this.serverless);
    const result = checkSmsBudget({
      checks: stageChecks(this.serverless),
      pricePerSmsUsd: Number(p.smsPricePerMessageUsd),
      monthlyLimitUsd: Number(p.monthlySmsSpendLimitUsd),
    });
    if (!result.ok) throw new this.serverless.classes.Error(result.message, 'SMS_BUDGET_EXCEEDED');
    this.log.notice(result.message);
  }
}

module.exports = SmsBudgetPlugin;
module.exports.checkSmsBudget = checkSmsBudget;
module.exports.runsPerMonth = runsPerMonth;
module.exports.retryRunsPerMonth = retryRunsPerMonth;
module.exports.ASSUMED_FAILURE_RATE = ASSUMED_FAILURE_RATE;
