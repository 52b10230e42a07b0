/**
 * The stack's only custom CloudWatch metrics, in Embedded Metric Format: one JSON log line each, no
 * PutMetricData call or permission. Each metric name + dimension set is a series billed every month
 * (USD 0.30 in us-east-1), so this file emits at most three and nothing else in lib/ or functions/
 * may (tests/stack/metrics.test.ts counts them):
 *   TimeToSms {service, step=SIGN_UP}, TimeToSms {service, step=MFA}, CodeNotDelivered {service}.
 * Pass/fail/silence come free from the verify machine's AWS/States execution metrics, and failures
 * by reason from the `run finished` log line (Logs Insights), never from a dimension.
 *
 * Hand-written rather than Powertools Metrics: a Lambda that emits one line should not load a
 * metrics library for it (cold start, issue 12 item 5).
 */

export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoSmsMfaCheck';
/** Every series carries it, as Powertools did, so the alarms' dimensions stay the same. */
export const METRICS_SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms-mfa';

/** The SMS steps whose code delivery is timed; the only values of the `step` dimension. */
export type TimedStep = 'SIGN_UP' | 'MFA';

type Unit = 'Milliseconds' | 'Count';

/**
 * One EMF line. `dimensions` become the series' identity; `properties` are searchable fields of the
 * log event that cost no series. Off when POWERTOOLS_METRICS_DISABLED is "true" (the local cloud's
 * default, so the progress output stays readable), read per call so tests can turn it on.
 */
function emit(name: string, unit: Unit, value: number, dimensions: Record<string, string>, properties: Record<string, unknown> = {}): void {
  if (process.env.POWERTOOLS_METRICS_DISABLED === 'true') return;
  const dims = { service: METRICS_SERVICE, ...dimensions };
  const line = {
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dims)], Metrics: [{ Name: name, Unit: unit }] }] },
    ...properties,
    ...dims,
    [name]: value,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** From the Cognito call that sent the SMS to the code's arrival at the run (p90 alarm on MFA). */
export function publishTimeToSms(step: TimedStep, ms: number): void {
  emit('TimeToSms', 'Milliseconds', ms, { step });
}

/**
 * A message that a code route received and could not hand to a run. The route and the outcome are
 * fields of the line, not dimensions: one series for all routes (Logs Insights splits them).
 */
export function publishCodeNotDelivered(fields: { route: string; outcome: string }): void {
  emit('CodeNotDelivered', 'Count', 1, {}, fields);
}
