/**
 * The trade-off table of README "When it pages" (issue 18, item 5): for each sign-in cadence, retry
 * count and paging rule, how late a broken pool or a carrier outage pages at worst, how many false
 * pages a healthy pool makes a month at 0.5% and 2% SMS loss, and what the sign-in checks cost a month.
 * Analytic, from the same model the simulation reports (report.ts) and the timings below; the
 * simulation measures the default row (`npm run simulate`). `npm run -s simulate -- --tradeoffs`
 * prints it; tests/simulate/tradeoffs.test.ts holds the README's copy to it.
 */
import { SMS_OUTBOUND_PER_MESSAGE } from '../bench/prices';
import { DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS, TIMEOUT_LIMITS } from '../../lib/verify/timeouts';
import { expectedFalsePagesPerMonth } from './report';
import { DEFAULT_SMS_MODEL, probabilityLaterThan } from './smsModel';

/** A sign-in check's AWS cost but SMS, USD (README "Cost", `npm run -s bench -- --json`, 2026-12-07). */
export const SIGNIN_CHECK_USD_EX_SMS = 0.000116;
/** An attempt's states but its code wait, seconds: about 6 s on the local cloud; 10 s allows for Lambda cold starts. */
const OTHER_STATES_SECONDS = 10;
/** CloudWatch evaluates an alarm of a period of a minute or more every minute (scripts/simulate/alarms/evaluate.ts). */
const EVALUATION_SECONDS = 60;

export interface PagingRule {
  evaluationPeriods: number;
  datapointsToAlarm: number;
  periodSeconds: number;
}

export interface TradeoffInput {
  cadenceMinutes: number;
  retries: number;
  rule: PagingRule;
  codeWaitSeconds?: number;
  holdSeconds?: number;
}

export interface TradeoffRow {
  cadenceMinutes: number;
  retries: number;
  rule: string;
  codeWaitSeconds: number;
  /** Worst case, minutes from the fault's start to the page: a pool that refuses at once (not retried). */
  poolWorstMinutes: number;
  /** Worst case for a carrier outage: every SMS lost, so every attempt waits out its code wait. */
  carrierWorstMinutes: number;
  falsePagesPerMonth: { loss0_5: number; loss2: number };
  /** Sign-in checks and their re-runs (0.5% loss), SMS included; the fixed part is the same in every row. */
  signinUsdPerMonth: number;
}

const SIGNUP = { everyMinutes: 360, smsPerAttempt: 2 };

export function tradeoff(input: TradeoffInput): TradeoffRow {
  const wait = input.codeWaitSeconds ?? TIMEOUT_LIMITS.mfaCodeSeconds.default;
  const hold = input.holdSeconds ?? DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS;
  const cadence = input.cadenceMinutes * 60;
  const { rule, retries } = input;
  const attempts = retries + 1;
  // A failing check on a carrier outage: every attempt waits its code out, and each re-run waits out the phone hold first.
  const carrierCheck = attempts * (wait + OTHER_STATES_SECONDS) + retries * hold;
  // The fault starts just after a check began: the next starts one cadence later. M failed checks are
  // needed; the next one starts a cadence later, or when the phone is free if the check ran longer.
  const more = rule.datapointsToAlarm - 1;
  const poolWorst = cadence + OTHER_STATES_SECONDS + more * cadence + EVALUATION_SECONDS;
  const carrierWorst = cadence + carrierCheck + more * Math.max(cadence, carrierCheck) + EVALUATION_SECONDS;
  const falsePages = (loss: number) =>
    expectedFalsePagesPerMonth(
      { ...DEFAULT_SMS_MODEL, loss },
      {
        codeWaitMs: wait * 1000,
        checks: [
          { everyMinutes: input.cadenceMinutes, retries, smsPerAttempt: 1 },
          { ...SIGNUP, retries },
        ],
        ...rule,
      },
    ).perMonth;
  const q = DEFAULT_SMS_MODEL.loss + (1 - DEFAULT_SMS_MODEL.loss) * probabilityLaterThan(DEFAULT_SMS_MODEL, wait * 1000);
  // Expected attempts of a check: 1 + q + q² + … up to its retries.
  const expectedAttempts = Array.from({ length: attempts }, (_, i) => q ** i).reduce((a, b) => a + b, 0);
  const checksPerMonth = (30 * 24 * 60) / input.cadenceMinutes;
  return {
    cadenceMinutes: input.cadenceMinutes,
    retries,
    rule: `${rule.datapointsToAlarm} of ${rule.evaluationPeriods} × ${rule.periodSeconds / 60} min`,
    codeWaitSeconds: wait,
    poolWorstMinutes: round(poolWorst / 60, 1),
    carrierWorstMinutes: round(carrierWorst / 60, 1),
    falsePagesPerMonth: { loss0_5: falsePages(0.005), loss2: falsePages(0.02) },
    signinUsdPerMonth: round(checksPerMonth * expectedAttempts * (SIGNIN_CHECK_USD_EX_SMS + SMS_OUTBOUND_PER_MESSAGE), 2),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The stack's paging rule (serverless.yml pageEvaluationPeriods / pageDatapointsToAlarm, alarmPeriodSeconds). */
export const DEFAULT_RULE: PagingRule = { evaluationPeriods: 2, datapointsToAlarm: 1, periodSeconds: 300 };
/** The rule before the tuning: 2 of 3 five-minute periods, `retries: 1`, a 150 s code wait. */
export const BEFORE: TradeoffInput = {
  cadenceMinutes: 5,
  retries: 1,
  rule: { evaluationPeriods: 3, datapointsToAlarm: 2, periodSeconds: 300 },
  codeWaitSeconds: 150,
};

/** The table's rows: cadences × retries at the default rule, then the rule before the tuning. */
export function tradeoffRows(): TradeoffRow[] {
  const rows: TradeoffRow[] = [];
  for (const cadenceMinutes of [1, 5, 10, 15])
    for (const retries of [0, 1, 2]) rows.push(tradeoff({ cadenceMinutes, retries, rule: DEFAULT_RULE }));
  rows.push(tradeoff(BEFORE));
  return rows;
}

/** Goals of issue 18 at the default cadence: pages within two intervals, a carrier outage within 15 minutes. */
export const GOALS = { poolMinutes: 10, carrierMinutes: 15 };

const num = (x: number) => (x === 0 ? '0' : x >= 0.01 ? x.toFixed(2) : x.toExponential(0));

export function tradeoffTable(rows: TradeoffRow[] = tradeoffRows()): string {
  const head = [
    '| sign-in every | retries | pages on | code wait | pool fault pages within (worst) | carrier outage pages within (worst) | false pages / month at 0.5% SMS loss | at 2% | sign-in checks, USD / month |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const isDefault = (r: TradeoffRow) =>
    r.cadenceMinutes === 5 && r.retries === 2 && r.rule === '1 of 2 × 5 min' && r.codeWaitSeconds === 120;
  return [
    ...head,
    ...rows.map((r) => {
      const cells = [
        `${r.cadenceMinutes} min`,
        String(r.retries),
        r.rule === '1 of 2 × 5 min' ? '1 failed check' : `2 failed checks (${r.rule})`,
        `${r.codeWaitSeconds} s`,
        `${r.poolWorstMinutes} min`,
        `${r.carrierWorstMinutes} min`,
        num(r.falsePagesPerMonth.loss0_5),
        num(r.falsePagesPerMonth.loss2),
        r.signinUsdPerMonth.toFixed(2),
      ];
      return `| ${(isDefault(r) ? cells.map((c) => `**${c}**`) : cells).join(' | ')} |`;
    }),
  ].join('\n');
}
