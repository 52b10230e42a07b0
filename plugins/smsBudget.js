'use strict';
/**
 * SMS cost guardrail for the scheduled synthetic check. Plain JavaScript so that the Serverless
 * Framework can load it as a local plugin without a build step.
 *
 * Each verification run sends 2 SMS (sign-up code, MFA code). A schedule that would spend more in
 * a month (31 days, the worst case) than the account's monthly SMS spend limit is refused, with
 * the arithmetic, before anything is packaged or deployed.
 */
const { stageParams } = require('./params');

const SMS_PER_RUN = 2;
const DAYS_PER_MONTH = 31;

const MINUTES = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

/** Runs per month for an EventBridge `rate(...)` expression; undefined for cron (not estimated). */
function runsPerMonth(expression) {
  const match = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(String(expression).trim());
  if (!match) return undefined;
  const everyMinutes = Number(match[1]) * MINUTES[match[2]];
  if (!everyMinutes) return undefined;
  return Math.floor((DAYS_PER_MONTH * 24 * 60) / everyMinutes);
}

/**
 * @param {{ enabled: boolean, expression: string, pricePerSmsUsd: number, monthlyLimitUsd: number }} p
 * @returns {{ ok: boolean, message: string, monthlyCostUsd?: number }}
 */
function checkSmsBudget(p) {
  if (!p.enabled) return { ok: true, message: 'SMS budget: the check schedule is disabled, no SMS are sent by it.' };
  const runs = runsPerMonth(p.expression);
  if (runs === undefined) {
    return { ok: true, message: `SMS budget: cannot estimate runs per month for "${p.expression}" (only rate(...) is estimated); check it against the SMS spend limit yourself.` };
  }
  const sms = runs * SMS_PER_RUN;
  const cost = sms * p.pricePerSmsUsd;
  const arithmetic =
    `${p.expression} = ${runs} runs per ${DAYS_PER_MONTH}-day month × ${SMS_PER_RUN} SMS per run = ${sms} SMS × ` +
    `$${p.pricePerSmsUsd} = $${cost.toFixed(2)} per month`;
  if (cost > p.monthlyLimitUsd) {
    return {
      ok: false,
      monthlyCostUsd: cost,
      message:
        `SMS budget exceeded: ${arithmetic}, over the monthly SMS spend limit of $${p.monthlyLimitUsd.toFixed(2)}. ` +
        'Use a slower checkScheduleExpression, or raise monthlySmsSpendLimitUsd after raising the account limit in SNS (text messaging preferences).',
    };
  }
  return { ok: true, monthlyCostUsd: cost, message: `SMS budget: ${arithmetic}, within the $${p.monthlyLimitUsd.toFixed(2)} limit.` };
}

/** The Serverless plugin: runs the check before package (and so before deploy). The SMS sandbox is plugins/checkPhone.js's. */
class SmsBudgetPlugin {
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
      enabled: p.checkScheduleState === 'ENABLED',
      expression: p.checkScheduleExpression,
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
