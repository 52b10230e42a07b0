/**
 * The custom metric series the code can emit, found by driving every emitting function with every
 * value its dimensions can take and reading the Embedded Metric Format lines it writes. A series is a
 * metric name with one set of dimension names and values; CloudWatch bills each one monthly.
 */
import { logger } from '../../lib/logger';
import { publishCheckerFailure, publishFailedCheck } from '../../lib/metrics';
import { reportOutcome, type CodeRoute, type RouteOutcome } from '../../lib/sms/report';

export interface Series {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

export const seriesKey = (s: Series) =>
  `${s.namespace}|${s.name}|${Object.entries(s.dimensions)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

const ROUTES: CodeRoute[] = ['inbound-sms', 'custom-sender', 'twilio', 'callback'];
const OUTCOMES = [
  'Resumed',
  'StoredBeforeAwait',
  'NotWaiting',
  'AlreadyAnswered',
  'WaitExpired',
  'WrongStep',
  'Malformed',
  'NoCode',
  'Keyword',
  'Duplicate',
  'DecryptFailed',
  'GaveUp',
  'Forwarded',
  'Dropped',
  'BadSignature',
  'TooLarge',
] as RouteOutcome[];

/** The series in EMF lines among written text. */
export function seriesIn(lines: string[]): Series[] {
  const found = new Map<string, Series>();
  for (const line of lines.flatMap((c) => c.split('\n')).filter((l) => l.includes('"_aws"'))) {
    const emf = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    } & Record<string, unknown>;
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        for (const metric of directive.Metrics) {
          const s = {
            namespace: directive.Namespace,
            name: metric.Name,
            dimensions: Object.fromEntries(dimensionSet.map((d) => [d, String(emf[d])])),
          };
          found.set(seriesKey(s), s);
        }
      }
    }
  }
  return [...found.values()];
}

/** Every series the emitters can produce (metrics switched on for the call, stdout captured). */
export function emittableSeries(): Series[] {
  const written: string[] = [];
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  const write = process.stdout.write;
  const level = logger.getLevelName();
  // The outcome lines go to stderr at WARN; only the EMF lines on stdout are wanted here.
  logger.setLogLevel('SILENT');
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.stdout.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    for (const route of ROUTES) for (const outcome of OUTCOMES) reportOutcome(route, outcome, { phone: '+15555550100' });
    // A confirmed checker failure (issue 18): the reason is a field, never a dimension.
    for (const reason of ['Unexpected', 'PhoneBusy', 'TimedOut', 'Aborted']) publishCheckerFailure({ reason, runId: 'r' });
    // A confirmed pool or sms failure, the paging count: class and reason are fields, never dimensions.
    for (const [reason, cls] of [
      ['MfaNotEnforced', 'pool'],
      ['SmsCodeNotReceived', 'sms'],
    ] as const)
      publishFailedCheck({ reason, class: cls, runId: 'r' });
    // A delivered code with its time to SMS: a log field, which must never become a series.
    for (const route of ROUTES) {
      for (const step of ['SIGN_UP', 'MFA'] as const)
        reportOutcome(route, 'Resumed', { delivery: { outcome: 'Resumed', runId: 'r', step, timeToSmsMs: 1234 } });
    }
  } finally {
    process.stdout.write = write;
    logger.setLogLevel(level);
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
  return seriesIn(written);
}
