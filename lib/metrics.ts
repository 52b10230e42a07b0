import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunResult } from './runs/finishRun';
import type { WaitStep } from './runs/model';

/**
 * CloudWatch metrics in Embedded Metric Format (one log line, no PutMetricData call or
 * permission). The alarms and the dashboard in resources/ read exactly these names.
 */
export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoSmsMfaCheck';
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms-mfa' });

/** Check succeeded/failed (by reason), run duration and each step's duration. */
export function publishRunMetrics(result: RunResult): void {
  metrics.addMetric(result.verdict === 'PASS' ? 'CheckSucceeded' : 'CheckFailed', MetricUnit.Count, 1);
  if (result.durationMs !== undefined) metrics.addMetric('RunDuration', MetricUnit.Milliseconds, result.durationMs);
  metrics.publishStoredMetrics();
  if (result.verdict === 'FAIL') {
    const byReason = metrics.singleMetric();
    byReason.addDimension('reason', result.reason ?? 'Unexpected');
    byReason.addMetric('CheckFailedByReason', MetricUnit.Count, 1);
  }
  for (const step of result.steps) {
    const single = metrics.singleMetric();
    single.addDimension('step', step.name);
    single.addMetric('StepDuration', MetricUnit.Milliseconds, step.ms);
  }
}

/** From the Cognito call that sent the SMS to the code's arrival at the callback. */
export function publishTimeToSms(step: WaitStep, ms: number): void {
  const single = metrics.singleMetric();
  single.addDimension('step', step);
  single.addMetric('TimeToSms', MetricUnit.Milliseconds, ms);
}
