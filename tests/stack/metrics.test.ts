import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT, readServerlessConfig, resolveValue } from '../../local/serverlessConfig';
import { emittableSeries, seriesKey as key, type Series } from '../../scripts/bench/metricSeries';

/**
 * Custom metrics are billed per series (metric name + dimension name/value set, USD 0.30 a month
 * each): drive every function that emits one, with every value its dimensions can take, collect the
 * EMF lines and count the series. Then every alarm must read one of those series, or a free AWS/States
 * execution metric of the verify machine. Issue 12 allows 3 series; the stack has 3 (issue 18 added CheckerFailures and FailedChecks).
 */
const MAX_SERIES = 3;
/** The verify machine's AWS/States metrics the alarms may read (free: AWS publishes them). */
const FREE_STATES_METRICS = ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsSucceeded', 'ExecutionsAborted', 'ExecutionTime'];

/** Non-test TypeScript files under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('custom metrics', () => {
  const series = emittableSeries();

  it(`are at most ${MAX_SERIES} series: CodeNotDelivered, CheckerFailures and FailedChecks (route, outcome, reason, class are fields; time to SMS is a log field)`, () => {
    expect(series.length).toBeLessThanOrEqual(MAX_SERIES);
    expect(series.map(key).sort()).toEqual([
      'CognitoSmsMfaCheck|CheckerFailures|service=cognito-sms-mfa',
      'CognitoSmsMfaCheck|CodeNotDelivered|service=cognito-sms-mfa',
      'CognitoSmsMfaCheck|FailedChecks|service=cognito-sms-mfa',
    ]);
  });

  it('are written only by lib/metrics.ts: no other file in lib/ or functions/ writes EMF or loads a metrics library', () => {
    const emitters = [...sources(join(PROJECT_ROOT, 'lib')), ...sources(join(PROJECT_ROOT, 'functions'))]
      .filter((path) =>
        /"?_aws"?\s*:|CloudWatchMetrics|@aws-lambda-powertools\/metrics|PutMetricData|addMetric\(/.test(readFileSync(path, 'utf8')),
      )
      .map((path) => relative(PROJECT_ROOT, path));
    expect(emitters).toEqual(['lib/metrics.ts']);
  });

  it("are what the alarms read, or the verify machine's free AWS/States execution metrics", () => {
    const config = readServerlessConfig();
    const refs = { VerifyStateMachine: 'VERIFY' };
    const emitted = new Set(series.map(key));
    // Series that a log metric filter of the stack makes (the failover signal's, only with failoverHealthCheck=true).
    for (const [, r] of Object.entries(config.resources).filter(([, r]) => r.Type === 'AWS::Logs::MetricFilter')) {
      for (const t of (r.Properties as { MetricTransformations: { MetricNamespace: unknown; MetricName: string }[] })
        .MetricTransformations) {
        emitted.add(
          key({
            namespace: resolveValue(config, t.MetricNamespace, { stage: 'ci', refs: {} }) as string,
            name: t.MetricName,
            dimensions: {},
          }),
        );
      }
    }
    const alarms = Object.entries(config.resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    // The slow-check alarm reads the free ExecutionTime (ms) at p90, no custom series.
    expect(config.resources.SlowCheckAlarm.Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionTime',
      ExtendedStatistic: 'p90',
    });
    const resolve = (value: unknown) => resolveValue(config, value, { stage: 'ci', refs });
    const seriesOf = (m: { Namespace: unknown; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] }): Series => ({
      namespace: resolve(m.Namespace) as string,
      name: m.MetricName,
      dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, resolve(d.Value)])),
    });
    for (const [id, alarm] of alarms) {
      const p = alarm.Properties!;
      // One metric, or a metric-math alarm's MetricStat metrics (each billed as an alarm metric).
      const read: Series[] = Array.isArray(p.Metrics)
        ? (p.Metrics as { MetricStat?: { Metric: Parameters<typeof seriesOf>[0] } }[]).flatMap((q) =>
            q.MetricStat ? [seriesOf(q.MetricStat.Metric)] : [],
          )
        : [seriesOf(p as unknown as Parameters<typeof seriesOf>[0])];
      expect(read.length).toBeGreaterThan(0);
      for (const metric of read) {
        const free =
          metric.namespace === 'AWS/States' &&
          FREE_STATES_METRICS.includes(metric.name) &&
          key(metric) === key({ ...metric, dimensions: { StateMachineArn: 'VERIFY' } });
        expect({ id, metric: key(metric), ok: free || emitted.has(key(metric)) }).toEqual({ id, metric: key(metric), ok: true });
      }
    }
  });
});
