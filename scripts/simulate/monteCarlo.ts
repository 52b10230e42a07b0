/**
 * Expected alarm transitions a month from a healthy pool, by Monte Carlo: sign-in checks drawn from
 * the SMS model for many months in a few seconds (no cloud), their samples evaluated by the same
 * evaluator as the simulation (./alarms: minute-by-minute sliding windows, the evaluation range).
 * Why not only the closed form of report.ts: a re-run moves a check's end by minutes, so a window can
 * hold two checks or none, and a slow check weighs in more than one window. At 30% SMS loss, two
 * simulated days measured 60 SlowCheckAlarm warnings where the closed form (a slow period is an
 * independent draw) said 16; this model gives about the measured rate (monteCarlo.test.ts).
 */
import { type AlarmDefinition, evaluateAlarm, type Sample, SampleIndex } from './alarms';
import { seededRandom, smsLatency, type SmsModelOptions } from './smsModel';

export interface MonteCarloOptions {
  sms: SmsModelOptions;
  months: number;
  seed: number;
  cadenceMinutes: number;
  retries: number;
  codeWaitMs: number;
  /** The phone hold after a failed attempt (phoneHoldAfterFailureSeconds). */
  holdMs: number;
  /** An attempt's states but its code wait (about 2 s on the local cloud). */
  otherStatesMs: number;
}

const MONTH_MS = 30 * 86_400_000;

/** The samples a check leaves, by metric name: what the alarms of the stack read. */
function checkSamples(opts: MonteCarloOptions): { at: number; metricName: string; value: number }[] {
  const random = seededRandom(opts.seed);
  const latency = smsLatency(opts.sms);
  const out: { at: number; metricName: string; value: number }[] = [];
  const cadence = opts.cadenceMinutes * 60_000;
  let phoneFreeAt = 0;
  for (let scheduled = 0; scheduled < opts.months * MONTH_MS; scheduled += cadence) {
    // A check that finds the phone held waits for it (PhoneBusy backoff): its execution time counts the wait.
    let t = Math.max(scheduled, phoneFreeAt);
    let passed = false;
    for (let attempt = 0; attempt <= opts.retries && !passed; attempt++) {
      if (attempt > 0) t += opts.holdMs;
      const lost = random() < opts.sms.loss;
      const delay = latency(random(), random());
      if (!lost && delay <= opts.codeWaitMs) {
        t += delay + opts.otherStatesMs;
        passed = true;
      } else t += opts.codeWaitMs + opts.otherStatesMs;
    }
    out.push({ at: t, metricName: 'ExecutionTime', value: t - scheduled });
    out.push({ at: t, metricName: passed ? 'ExecutionsSucceeded' : 'FailedChecks', value: 1 });
    if (!passed) out.push({ at: t, metricName: 'ExecutionsFailed', value: 1 });
    phoneFreeAt = passed ? t : t + opts.holdMs;
  }
  return out;
}

/** Transitions into ALARM a month of each single-metric alarm, over `months` simulated months. */
export function monteCarloAlarmsPerMonth(alarms: readonly AlarmDefinition[], opts: MonteCarloOptions): Record<string, number> {
  const drawn = checkSamples(opts);
  const result: Record<string, number> = {};
  for (const alarm of alarms) {
    if (alarm.queries.length !== 1) continue;
    const metric = alarm.queries[0].metric;
    const samples = new SampleIndex(
      drawn
        .filter((s) => s.metricName === metric.metricName)
        .map((s): Sample => ({
          namespace: metric.namespace,
          metricName: s.metricName,
          dimensions: metric.dimensions,
          at: s.at,
          value: s.value,
        })),
    );
    // From one evaluation range in (as the simulation does), in the state a healthy stack is in.
    const from = alarm.periodSeconds * (alarm.evaluationPeriods + 2) * 1000;
    const timeline = evaluateAlarm(alarm, samples, { from, to: opts.months * MONTH_MS, initialState: 'OK' });
    result[alarm.name] = timeline.transitions.filter((tr) => tr.to === 'ALARM').length / opts.months;
  }
  return result;
}
