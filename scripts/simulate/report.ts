/**
 * The simulation's report: pages matched to outages, false pages, detection times, and the expected
 * false pages a month from the retry and alarm settings at the SMS model's loss.
 */
import type { AlarmDefinition, Page } from './alarms';
import type { FaultWindow, SimulationResult } from './run';
import { probabilityLaterThan, type SmsModelOptions } from './smsModel';

export interface Outage {
  kind: string;
  start: string;
  end: string;
  detectedAfterMinutes: number | null;
  /** Minutes from the fault's end to the first passing check that started after it; null if none did. */
  recoveredAfterMinutes: number | null;
  /** The fault could not be undone, or no check passed after it: the stack never recovered. */
  neverRecovered?: string;
  injectError?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

/**
 * An outage's recovery window: its end plus two of the longest paging alarm's evaluation windows
 * (Period × EvaluationPeriods): a check started in the outage ends up to ~3 min after it, and its
 * datapoint stays in the alarm's window that long.
 */
export function recoveryMs(alarms: AlarmDefinition[]): number {
  return 2 * Math.max(0, ...alarms.map((a) => a.periodSeconds * a.evaluationPeriods * 1000));
}

export function matchPages(pages: Page[], faults: FaultWindow[], recovery: number) {
  return pages.map((p) => {
    const f = faults.find((o) => p.at >= o.start && p.at <= o.end + recovery);
    return { alarm: p.alarm, at: iso(p.at), outage: f ? f.kind : null };
  });
}

export function outages(result: SimulationResult, pages: Page[], recovery: number): Outage[] {
  return result.faults.map((f) => {
    const first = pages.find((p) => p.at >= f.start && p.at <= f.end + recovery);
    const passedAfter = result.executions.filter((e) => e.start >= f.end && e.status === 'SUCCEEDED').sort((a, b) => a.end - b.end)[0];
    const neverRecovered = f.restoreError
      ? `the fault could not be undone: ${f.restoreError}`
      : passedAfter
        ? undefined
        : 'no check passed after the fault ended';
    return {
      kind: f.kind,
      start: iso(f.start),
      end: iso(f.end),
      detectedAfterMinutes: first ? minutes(first.at - f.start) : null,
      recoveredAfterMinutes: passedAfter ? minutes(passedAfter.end - f.end) : null,
      ...(neverRecovered && { neverRecovered }),
      ...(f.applyError && { injectError: f.applyError }),
    };
  });
}

/** Expected fresh ALARM transitions a month when each period breaches independently with probability p. */
export function alarmsPerMonth(p: number, a: { periodSeconds: number; evaluationPeriods: number; datapointsToAlarm: number }): number {
  const { evaluationPeriods: n, datapointsToAlarm: m } = a;
  const choose = (x: number, y: number) => {
    let c = 1;
    for (let i = 0; i < y; i++) c = (c * (x - i)) / (i + 1);
    return c;
  };
  // The newest period breaches and exactly M - 1 of the N - 1 before it do: the count just reached M.
  return p * choose(n - 1, m - 1) * p ** (m - 1) * (1 - p) ** (n - m) * ((30 * 86_400) / a.periodSeconds);
}

/** A schedule of checks as the analytic model sees it: its cadence, retries and SMS per attempt. */
export interface ModelledCheck {
  everyMinutes: number;
  retries: number;
  /** 1 for a sign-in check, 2 for a sign-up check (its confirmation code and its MFA code). */
  smsPerAttempt: number;
}

/**
 * Expected false pages a month of CheckFailingAlarm (FailedChecks, confirmed pool or sms failures)
 * from a healthy pool: an attempt fails when one of its SMS is lost or later than the code wait
 * (per SMS q = loss + (1 - loss) × P(late)); a check fails when all 1 + retries attempts do; a period
 * breaches when any check in it fails; the alarm fires when at least M of the last N periods breach.
 * Fires counted as fresh transitions: P(alarm at t and not at t - 1) ≈ P(alarm at t) for rare events.
 */
export function expectedFalsePagesPerMonth(
  sms: SmsModelOptions,
  opts: {
    codeWaitMs: number;
    checks: ModelledCheck[];
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
  },
) {
  const smsFails = sms.loss + (1 - sms.loss) * probabilityLaterThan(sms, opts.codeWaitMs);
  const perCheck = opts.checks.map((c) => {
    const attemptFails = 1 - (1 - smsFails) ** c.smsPerAttempt;
    return { ...c, attemptFails, checkFails: attemptFails ** (1 + c.retries), perPeriod: opts.periodSeconds / 60 / c.everyMinutes };
  });
  // P(no check of the period fails), each schedule contributing its (possibly fractional) share of checks.
  const periodPasses = perCheck.reduce((a, c) => a * (1 - c.checkFails) ** c.perPeriod, 1);
  const periodBreaches = 1 - periodPasses;
  const first = perCheck[0];
  return {
    attemptFails: first?.attemptFails ?? 0,
    checkFails: first?.checkFails ?? 0,
    failedChecksPerMonth: perCheck.reduce((a, c) => a + c.checkFails * ((30 * 24 * 60) / c.everyMinutes), 0),
    periodBreaches,
    perMonth: alarmsPerMonth(periodBreaches, opts),
  };
}

/**
 * NoSuccessfulCheckAlarm from a healthy pool: a whole period (30 min) of checks that all fail. Its
 * evaluation range holds more than one period, so this is an upper bound.
 */
export function expectedNoSuccessPagesPerMonth(checkFails: number, checksPerPeriod: number, periodSeconds: number): number {
  return checkFails ** checksPerPeriod * ((30 * 86_400) / periodSeconds);
}
