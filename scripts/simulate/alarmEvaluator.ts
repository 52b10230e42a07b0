/**
 * The seam to the CloudWatch alarm evaluator (scripts/simulate/alarms/, built on its own branch):
 * the stack's alarms from the packaged template, the datapoints the runs produced, and the pages
 * (transitions to ALARM of an alarm whose actions are enabled). Until that module is merged this
 * file holds a small stand-in that evaluates as CloudWatch does for the shapes the stack has:
 * Sum / pNN statistics, metric math of FILL(...) terms added and subtracted, M of N datapoints,
 * TreatMissingData breaching / notBreaching, one evaluation at the end of each period.
 */
export interface Datapoint {
  namespace: string;
  metricName: string;
  /** The dimension the stack's alarms use (StateMachineArn, service), by name. */
  dimensions: Record<string, string>;
  /** Epoch ms. */
  at: number;
  value: number;
}

export interface Page {
  alarm: string;
  /** Epoch ms. */
  at: number;
}

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  Period: number;
  Stat: string;
}

export interface AlarmResource {
  Type: string;
  Properties: Record<string, any>;
}

export interface PagingAlarm {
  name: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

/** Alarms that page: actions enabled and an AlarmActions target. */
export function pagingAlarms(resources: Record<string, AlarmResource>): PagingAlarm[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.ActionsEnabled !== false && r.Properties.AlarmActions?.length)
    .map(([name, r]) => {
      const p = r.Properties;
      const period = p.Period ?? (p.Metrics as { MetricStat?: MetricStat }[]).find((m) => m.MetricStat)?.MetricStat?.Period;
      return {
        name,
        periodSeconds: Number(period),
        evaluationPeriods: Number(p.EvaluationPeriods),
        datapointsToAlarm: Number(p.DatapointsToAlarm ?? p.EvaluationPeriods),
      };
    });
}

function statOf(values: number[], stat: string): number | undefined {
  if (!values.length) return undefined;
  if (stat === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (stat === 'SampleCount') return values.length;
  if (stat === 'Average') return values.reduce((a, b) => a + b, 0) / values.length;
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Minimum') return Math.min(...values);
  const p = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (p) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((Number(p[1]) / 100) * sorted.length) - 1)];
  }
  throw new Error(`alarm statistic ${stat} is not evaluated by the stand-in`);
}

const matchesMetric = (d: Datapoint, m: MetricStat['Metric'], resolve: (v: unknown) => string) =>
  d.namespace === m.Namespace &&
  d.metricName === m.MetricName &&
  (m.Dimensions ?? []).every((dim) => d.dimensions[dim.Name] === resolve(dim.Value));

/** Pages from `start` to `end` (epoch ms); `resolve` turns a template value (a Ref) into the simulation's. */
export function evaluateAlarms(
  resources: Record<string, AlarmResource>,
  datapoints: Datapoint[],
  range: { start: number; end: number },
  resolve: (v: unknown) => string,
): Page[] {
  const pages: Page[] = [];
  for (const alarm of pagingAlarms(resources)) {
    const p = resources[alarm.name].Properties;
    const periodMs = alarm.periodSeconds * 1000;
    // Value of the alarm's metric (or expression) over the period starting at `t`.
    let valueAt: (t: number) => number | undefined;
    if (p.Metrics) {
      const series = new Map<string, (t: number) => number | undefined>();
      for (const m of p.Metrics as { Id: string; MetricStat?: MetricStat }[]) {
        if (!m.MetricStat) continue;
        const ms = m.MetricStat;
        const pts = datapoints.filter((d) => matchesMetric(d, ms.Metric, resolve));
        series.set(m.Id, (t) =>
          statOf(
            pts.filter((d) => d.at >= t && d.at < t + periodMs).map((d) => d.value),
            ms.Stat,
          ),
        );
      }
      const expr = (p.Metrics as { Expression?: string; ReturnData?: boolean }[]).find((m) => m.Expression && m.ReturnData !== false)!;
      const terms = [...expr.Expression!.matchAll(/([+-]?)\s*FILL\((\w+),\s*(-?\d+(?:\.\d+)?)\)/g)];
      if (!terms.length) throw new Error(`alarm ${alarm.name}: expression ${expr.Expression} is not evaluated by the stand-in`);
      valueAt = (t) => {
        let missing = true;
        let v = 0;
        for (const [, sign, id, fill] of terms) {
          const x = series.get(id)!(t);
          if (x !== undefined) missing = false;
          v += (sign === '-' ? -1 : 1) * (x ?? Number(fill));
        }
        // FILL gives every period a value once any series has data in the range (CloudWatch fills gaps).
        return missing && !datapoints.length ? undefined : v;
      };
    } else {
      const metric = { Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions };
      const pts = datapoints.filter((d) => matchesMetric(d, metric, resolve));
      const stat = p.Statistic ?? p.ExtendedStatistic;
      valueAt = (t) =>
        statOf(
          pts.filter((d) => d.at >= t && d.at < t + periodMs).map((d) => d.value),
          stat,
        );
    }
    const threshold = Number(p.Threshold);
    const breaches = (v: number) =>
      p.ComparisonOperator === 'GreaterThanOrEqualToThreshold'
        ? v >= threshold
        : p.ComparisonOperator === 'GreaterThanThreshold'
          ? v > threshold
          : p.ComparisonOperator === 'LessThanThreshold'
            ? v < threshold
            : v <= threshold;
    const missingBreaches = p.TreatMissingData === 'breaching';
    let state: 'OK' | 'ALARM' = 'OK';
    const first = Math.floor(range.start / periodMs) * periodMs;
    for (let t = first + periodMs; t <= range.end; t += periodMs) {
      let breaching = 0;
      for (let k = 1; k <= alarm.evaluationPeriods; k++) {
        const s = t - k * periodMs;
        if (s < first) continue;
        const v = valueAt(s);
        if (v === undefined ? missingBreaches : breaches(v)) breaching++;
      }
      const next = breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
      if (next === 'ALARM' && state === 'OK') pages.push({ alarm: alarm.name, at: t });
      state = next;
    }
  }
  return pages.sort((a, b) => a.at - b.at);
}
