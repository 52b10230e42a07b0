/**
 * An alarm's states over (simulated) time, from the raw samples its metrics received.
 *
 * CloudWatch behaviour assumed (CloudWatch User Guide, "Alarm evaluation" / "Evaluating an alarm"):
 * - an alarm with a period of a minute or more is evaluated every minute, on the window that ends
 *   then: at T, datapoint k (k = 1 the most recent) aggregates the samples timestamped in
 *   [T - k·Period, T - (k-1)·Period) — so windows slide by the minute, and when T is a multiple of
 *   the period they are the epoch-aligned periods a metric graph shows;
 * - each evaluation reads the evaluation range, more datapoints than EvaluationPeriods in case some
 *   are missing. The page gives 5 for EvaluationPeriods 3 and a 5-minute period and says it depends
 *   on the period and resolution; the default here is EvaluationPeriods + 2, overridable;
 * - metric math: each metric's statistic per window, then the expression (expression.ts);
 * - the state from the range: decide.ts; a new alarm starts in INSUFFICIENT_DATA;
 * - actions run on state transitions only, never again while the state lasts ("Alarm actions").
 * Samples are seen as soon as they are timestamped (no ingestion delay) unless `ingestionDelaySeconds`.
 */
import { ValidationError } from '../../../lib/errors';
import { evaluateExpression } from './expression';
import { type AlarmState, type Breach, decideState } from './decide';
import type { AlarmDefinition, ComparisonOperator, MetricRef } from './readAlarms';
import { statistic } from './statistics';

/** One value a metric received: e.g. an execution's end → ExecutionsFailed 1, or ExecutionTime in ms. */
export interface Sample {
  namespace: string;
  metricName: string;
  dimensions?: Record<string, string>;
  /** Epoch milliseconds, or a Date. */
  at: number | Date;
  value: number;
}

function metricKey(namespace: string, metricName: string, dimensions: Record<string, string> = {}): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

/** Samples by metric (namespace, name and exact dimension set, as CloudWatch matches them), kept sorted by time. */
export class SampleIndex {
  private readonly series = new Map<string, { at: number[]; value: number[]; sorted: boolean }>();

  constructor(samples: Iterable<Sample> = []) {
    for (const s of samples) this.add(s);
  }

  add(sample: Sample): void {
    const at = sample.at instanceof Date ? sample.at.getTime() : sample.at;
    if (!Number.isFinite(at)) throw new ValidationError('sample.at', `not a time: ${String(sample.at)}`);
    if (!Number.isFinite(sample.value)) throw new ValidationError('sample.value', `not a number: ${sample.value}`);
    const key = metricKey(sample.namespace, sample.metricName, sample.dimensions);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { at: [], value: [], sorted: true }));
    if (s.at.length > 0 && at < s.at[s.at.length - 1]) s.sorted = false;
    s.at.push(at);
    s.value.push(sample.value);
  }

  /** The values timestamped in [startMs, endMs). */
  valuesIn(metric: MetricRef, startMs: number, endMs: number): number[] {
    const s = this.series.get(metricKey(metric.namespace, metric.metricName, metric.dimensions));
    if (!s) return [];
    if (!s.sorted) {
      const order = s.at.map((_, i) => i).sort((a, b) => s.at[a] - s.at[b]);
      const at = order.map((i) => s.at[i]);
      const value = order.map((i) => s.value[i]);
      s.at.splice(0, s.at.length, ...at);
      s.value.splice(0, s.value.length, ...value);
      s.sorted = true;
    }
    const lowerBound = (t: number): number => {
      let lo = 0;
      let hi = s.at.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s.at[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return s.value.slice(lowerBound(startMs), lowerBound(endMs));
  }
}

export interface Transition {
  alarm: string;
  /** Epoch ms of the evaluation that changed the state. */
  at: number;
  from: AlarmState;
  to: AlarmState;
  /** The evaluation range's values, oldest first (null = missing), as the state reason would list them. */
  datapoints: (number | null)[];
}

export interface AlarmTimeline {
  alarm: string;
  transitions: Transition[];
  /** The state after the last evaluation. */
  state: AlarmState;
}

export interface EvaluateOptions {
  /** First evaluation at or after this time (epoch ms or Date), rounded up to the evaluation interval. */
  from: number | Date;
  /** Last evaluation at or before this time. */
  to: number | Date;
  /** Default 60: CloudWatch evaluates alarms of a period of 1 minute or more every minute. */
  evaluationIntervalSeconds?: number;
  /** Datapoints read per evaluation; default EvaluationPeriods + 2 (the documented 3 → 5). */
  evaluationRange?: (alarm: AlarmDefinition) => number;
  /** Default INSUFFICIENT_DATA, as a newly created alarm. */
  initialState?: AlarmState;
  /** Samples become visible this long after their timestamp; default 0. */
  ingestionDelaySeconds?: number;
}

function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

const ms = (t: number | Date): number => (t instanceof Date ? t.getTime() : t);

/** The alarm's value for the window [start, end): each metric's statistic, then the expression. */
export function windowValue(alarm: AlarmDefinition, samples: SampleIndex, startMs: number, endMs: number): number | undefined {
  const values = new Map(alarm.queries.map((q) => [q.id, statistic(q.stat, samples.valuesIn(q.metric, startMs, endMs))]));
  return evaluateExpression(alarm.expression, (id) => values.get(id));
}

/** Evaluates one alarm every interval from `from` to `to`; returns its state transitions. */
export function evaluateAlarm(alarm: AlarmDefinition, samples: SampleIndex, options: EvaluateOptions): AlarmTimeline {
  const interval = (options.evaluationIntervalSeconds ?? 60) * 1000;
  const period = alarm.periodSeconds * 1000;
  const rangeLength = options.evaluationRange?.(alarm) ?? alarm.evaluationPeriods + 2;
  if (!Number.isInteger(rangeLength) || rangeLength < alarm.evaluationPeriods) {
    throw new ValidationError('evaluationRange', `must be an integer ≥ EvaluationPeriods (${alarm.evaluationPeriods}) for ${alarm.name}`);
  }
  const delay = (options.ingestionDelaySeconds ?? 0) * 1000;
  const settings = {
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    treatMissingData: alarm.treatMissingData,
  };
  // With no ingestion delay a window's value never changes once it has ended: computed once.
  const cache = new Map<number, number | undefined>();
  const valueOf = (start: number, evaluatedAt: number): number | undefined => {
    if (delay > 0) return windowValue(alarm, samples, start, Math.min(start + period, evaluatedAt - delay));
    if (!cache.has(start)) cache.set(start, windowValue(alarm, samples, start, start + period));
    return cache.get(start);
  };

  let state: AlarmState = options.initialState ?? 'INSUFFICIENT_DATA';
  const transitions: Transition[] = [];
  const to = ms(options.to);
  for (let t = Math.ceil(ms(options.from) / interval) * interval; t <= to; t += interval) {
    const values: (number | undefined)[] = [];
    for (let k = rangeLength; k >= 1; k--) values.push(valueOf(t - k * period, t));
    const range: Breach[] = values.map((v) => (v === undefined ? undefined : breaches(v, alarm.comparisonOperator, alarm.threshold)));
    const next = decideState(range, settings, state);
    if (next !== state) {
      transitions.push({ alarm: alarm.name, at: t, from: state, to: next, datapoints: values.map((v) => (v === undefined ? null : v)) });
      state = next;
    }
  }
  return { alarm: alarm.name, transitions, state };
}

/** Every alarm over the same time span. */
export function evaluateAlarms(alarms: readonly AlarmDefinition[], samples: SampleIndex, options: EvaluateOptions): AlarmTimeline[] {
  return alarms.map((a) => evaluateAlarm(a, samples, options));
}

/** When the alarm first went into ALARM at or after `after` (epoch ms), or null if it never did. */
export function firstAlarmAfter(timeline: AlarmTimeline, after: number | Date): number | null {
  return timeline.transitions.find((tr) => tr.to === 'ALARM' && tr.at >= ms(after))?.at ?? null;
}

/** The alarm's state at time `at` (the state of the last evaluation at or before it). */
export function stateAt(timeline: AlarmTimeline, at: number | Date, initialState: AlarmState = 'INSUFFICIENT_DATA'): AlarmState {
  let state = initialState;
  for (const tr of timeline.transitions) {
    if (tr.at > ms(at)) break;
    state = tr.to;
  }
  return state;
}

export interface Page {
  alarm: string;
  at: number;
}

export interface PagesOptions {
  /** Alarms whose notifications are not pages (e.g. CheckerFailingAlarm, a warning on the same topic). */
  exclude?: readonly string[];
}

/**
 * The pages: transitions into ALARM of alarms whose actions are enabled and that have an alarm
 * action (the SNS topic), in time order. A disabled alarm still changes state, silently.
 */
export function pagesOf(alarms: readonly AlarmDefinition[], timelines: readonly AlarmTimeline[], options: PagesOptions = {}): Page[] {
  const excluded = new Set(options.exclude ?? []);
  const paging = new Set(alarms.filter((a) => a.actionsEnabled && a.alarmActions > 0 && !excluded.has(a.name)).map((a) => a.name));
  return timelines
    .filter((tl) => paging.has(tl.alarm))
    .flatMap((tl) => tl.transitions.filter((tr) => tr.to === 'ALARM').map((tr) => ({ alarm: tl.alarm, at: tr.at })))
    .sort((a, b) => a.at - b.at || a.alarm.localeCompare(b.alarm));
}
