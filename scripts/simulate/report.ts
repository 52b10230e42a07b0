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

/**
 * Expected false pages a month of CheckFailingAlarm (the paging sum) from a healthy pool:
 * one attempt fails when its SMS is lost or later than the wait (q = loss + (1 - loss) × P(late));
 * a check fails when all 1 + retries attempts do (q^(1+r)); the alarm fires when at least M of the
 * last N periods hold a failed check, each period holding `checksPerPeriod` checks. Fires counted
 * as fresh transitions: P(alarm at t and not at t - 1) ≈ P(alarm at t) for rare events.
 */
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

export function expectedFalsePagesPerMonth(
  sms: SmsModelOptions,
  opts: {
    codeWaitMs: number;
    retries: number;
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    everyMinutes: number;
  },
) {
  const attemptFails = sms.loss + (1 - sms.loss) * probabilityLaterThan(sms, opts.codeWaitMs);
  const checkFails = attemptFails ** (1 + opts.retries);
  const checksPerPeriod = Math.max(1, opts.periodSeconds / 60 / opts.everyMinutes);
  const periodBreaches = 1 - (1 - checkFails) ** checksPerPeriod;
  return { attemptFails, checkFails, periodBreaches, perMonth: alarmsPerMonth(periodBreaches, opts) };
}
