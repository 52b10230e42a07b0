import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT, readServerlessConfig, resolveValue } from '../../local/serverlessConfig';
import { publishTimeToSms, type TimedStep } from '../../lib/metrics';
import { reportOutcome, type CodeRoute, type RouteOutcome } from '../../lib/sms/report';
import { logger } from '../../lib/logger';

/**
 * Custom metrics are billed per series (metric name + dimension name/value set, USD 0.30 a month
 * each): drive every function that emits one, with every value its dimensions can take, collect the
 * EMF lines and count the series. Then every alarm must read one of those series, or a free AWS/States
 * execution metric of the verify machine.
 */
const MAX_SERIES = 3;
const STEPS: TimedStep[] = ['SIGN_UP', 'MFA'];
const ROUTES: CodeRoute[] = ['inbound-sms', 'custom-sender', 'twilio', 'callback'];
const OUTCOMES: RouteOutcome[] = [
  'Resumed', 'StoredBeforeAwait', 'NotWaiting', 'AlreadyAnswered', 'WaitExpired', 'WrongStep',
  'Malformed', 'NoCode', 'Keyword', 'Duplicate', 'DecryptFailed', 'Forwarded', 'Dropped', 'BadSignature', 'TooLarge',
] as RouteOutcome[];

interface Series { namespace: string; name: string; dimensions: Record<string, string> }
const key = (s: Series) => `${s.namespace}|${s.name}|${Object.entries(s.dimensions).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;

function emittedSeries(): Series[] {
  const written: string[] = [];
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => (written.push(String(chunk)), true)) as never);
  const quiet = (['info', 'warn'] as const).map((level) => jest.spyOn(logger, level).mockImplementation(() => undefined));
  try {
    for (const step of STEPS) publishTimeToSms(step, 1234);
    for (const route of ROUTES) for (const outcome of OUTCOMES) reportOutcome(route, outcome, { phone: '+15555550100' });
  } finally {
    out.mockRestore();
    quiet.forEach((s) => s.mockRestore());
    process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
  const series = new Map<string, Series>();
  for (const line of written.flatMap((c) => c.split('\n')).filter((l) => l.includes('"_aws"'))) {
    const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<string, unknown>;
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        for (const metric of directive.Metrics) {
          const s = { namespace: directive.Namespace, name: metric.Name, dimensions: Object.fromEntries(dimensionSet.map((d) => [d, String(emf[d])])) };
          series.set(key(s), s);
        }
      }
    }
  }
  return [...series.values()];
}

/** Non-test TypeScript files under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('custom metrics', () => {
  const series = emittedSeries();

  it(`are at most ${MAX_SERIES} series: TimeToSms per SMS step and one CodeNotDelivered (route and outcome are fields)`, () => {
    expect(series.length).toBeLessThanOrEqual(MAX_SERIES);
    expect(series.map(key).sort()).toEqual([
      'CognitoSmsMfaCheck|CodeNotDelivered|service=cognito-sms-mfa',
      'CognitoSmsMfaCheck|TimeToSms|service=cognito-sms-mfa,step=MFA',
      'CognitoSmsMfaCheck|TimeToSms|service=cognito-sms-mfa,step=SIGN_UP',
    ]);
  });

  it('are written only by lib/metrics.ts: no other file in lib/ or functions/ writes EMF or loads a metrics library', () => {
    const emitters = [...sources(join(PROJECT_ROOT, 'lib')), ...sources(join(PROJECT_ROOT, 'functions'))]
      .filter((path) => /"?_aws"?\s*:|CloudWatchMetrics|@aws-lambda-powertools\/metrics|PutMetricData|addMetric\(/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(PROJECT_ROOT, path));
    expect(emitters).toEqual(['lib/metrics.ts']);
  });

  it("are what the alarms read, or the verify machine's free AWS/States execution metrics", () => {
    const config = readServerlessConfig();
    const refs = { VerifyStateMachine: 'VERIFY' };
    const emitted = new Set(series.map(key));
    const alarms = Object.entries(config.resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      const p = alarm.Properties!;
      // One metric per alarm (metric math would bill each of its metrics as an alarm metric).
      expect({ id, metrics: p.Metrics }).toEqual({ id, metrics: undefined });
      const read: Series = {
        namespace: resolveValue(config, p.Namespace, { stage: 'ci', refs }),
        name: p.MetricName,
        dimensions: Object.fromEntries((p.Dimensions as { Name: string; Value: unknown }[]).map((d) => [d.Name, resolveValue(config, d.Value, { stage: 'ci', refs })])),
      };
      const free = read.namespace === 'AWS/States' && ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsSucceeded', 'ExecutionsAborted'].includes(read.name) &&
        key(read) === key({ ...read, dimensions: { StateMachineArn: 'VERIFY' } });
      expect({ id, metric: key(read), ok: free || emitted.has(key(read)) }).toEqual({ id, metric: key(read), ok: true });
    }
  });
});
