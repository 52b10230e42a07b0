/**
 * The stack's only custom CloudWatch metrics, in Embedded Metric Format: one JSON log line, no
 * PutMetricData call or permission. Each metric name + dimension set is a series billed every month
 * (USD 0.30 in us-east-1), so this file emits three and nothing else in lib/ or functions/ may
 * (tests/stack/metrics.test.ts counts them):
 *   CodeNotDelivered {service}, written only when a route loses a code;
 *   FailedChecks {service}, written once when a check's confirmed verdict is a `pool` or `sms` FAIL
 *   (issue 18): CheckFailingAlarm pages on it;
 *   CheckerFailures {service}, written once when a check's confirmed verdict is a `checker` FAIL:
 *   CheckerFailingAlarm warns on it.
 * Why a series of its own for the paging count rather than AWS/States ExecutionsFailed less
 * CheckerFailures: a checker failure's count and its execution's end are seconds apart, and an
 * alarm window that holds the end but not the count reads +1, which pages at one datapoint to alarm.
 * Pass and silence come free from the verify machine's AWS/States execution metrics, slow checks
 * from its ExecutionTime (p90), failures by reason from the `run finished` log line and time to SMS
 * from the `timeToSmsMs` field of the code-delivery line (Logs Insights), never from a series.
 *
 * Hand-written rather than Powertools Metrics: a Lambda that emits one line should not load a
 * metrics library for it (cold start, issue 12 item 5).
 */

export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoSmsMfaCheck';
/** Every series carries it, as Powertools did, so the alarms' dimensions stay the same. */
export const METRICS_SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms-mfa';

type Unit = 'Count';

/**
 * One EMF line. `dimensions` become the series' identity; `properties` are searchable fields of the
 * log event that cost no series. Off when POWERTOOLS_METRICS_DISABLED is "true" (the local cloud's
 * default, so the progress output stays readable), read per call so tests can turn it on.
 */
function emit(name: string, unit: Unit, value: number, dimensions: Record<string, string>, properties: Record<string, unknown> = {}): void {
  if (process.env.POWERTOOLS_METRICS_DISABLED === 'true') return;
  const dims = { service: METRICS_SERVICE, ...dimensions };
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dims)], Metrics: [{ Name: name, Unit: unit }] }],
    },
    ...properties,
    ...dims,
    [name]: value,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * A message that a code route received and could not hand to a run. The route and the outcome are
 * fields of the line, not dimensions: one series for all routes (Logs Insights splits them).
 */
export function publishCodeNotDelivered(fields: { route: string; outcome: string }): void {
  emit('CodeNotDelivered', 'Count', 1, {}, fields);
}

/**
 * A check whose confirmed verdict failed for the pool or the SMS (class `pool` or `sms`): the count
 * that pages. Written once per execution, by the state that decides it is final (no re-run left).
 */
export function publishFailedCheck(fields: { reason: string; class: 'pool' | 'sms'; runId: string }): void {
  emit('FailedChecks', 'Count', 1, {}, fields);
}

/**
 * A check whose confirmed verdict failed for our own parts (class `checker`): one series for every
 * reason (the reason is a field). Written once per execution, by the state that ends it.
 */
export function publishCheckerFailure(fields: { reason: string; runId: string }): void {
  emit('CheckerFailures', 'Count', 1, {}, fields);
}
