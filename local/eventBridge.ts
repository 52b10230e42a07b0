import type { LocalLambda } from './runtime/lambda';
import type { ServerlessConfig } from './serverlessConfig';
import type { HistoryEvent } from './stepfunctions';

/**
 * The slice of EventBridge the stack uses: Step Functions' "Execution Status Change" events,
 * matched against the `eventBridge` patterns serverless.yml declares, delivered to those
 * functions. Patterns match as EventBridge's do for exact values: every key present, the event's
 * value among the listed ones.
 */
const STATUS_BY_EVENT: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

export function matches(pattern: unknown, event: unknown, refs: Record<string, string>): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) => {
      const value = allowed && typeof allowed === 'object' && 'Ref' in allowed ? refs[String((allowed as { Ref: unknown }).Ref)] : allowed;
      return value === event;
    });
  }
  if (pattern && typeof pattern === 'object') {
    if (!event || typeof event !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) => matches(sub, (event as Record<string, unknown>)[key], refs));
  }
  return false;
}

export function routeExecutionEvents(
  config: ServerlessConfig,
  lambda: LocalLambda,
  refs: Record<string, string>,
  onError: (error: Error) => void,
) {
  const subscribers = config.functions.filter((fn) => fn.eventPatterns.length > 0);
  return (executionArn: string, history: HistoryEvent) => {
    const status = STATUS_BY_EVENT[history.type];
    if (!status || subscribers.length === 0) return;
    const [, , , region, account, , machine, name] = executionArn.split(':');
    const event = {
      version: '0',
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      account,
      region,
      time: new Date().toISOString(),
      resources: [executionArn],
      detail: { executionArn, stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${machine}`, name, status },
    };
    for (const fn of subscribers) {
      if (fn.eventPatterns.some((pattern) => matches(pattern, event, refs))) {
        lambda.invoke(lambda.arnOf(fn), event, { source: 'events' }).catch(onError);
      }
    }
  };
}
