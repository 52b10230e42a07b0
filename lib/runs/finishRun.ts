import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { RUN_RETENTION_SECONDS, runKey, runsTable, ttlIn, type RunItem } from './model';
import type { StepTiming } from '../verify/stepTimings';

export interface RunResult {
  verdict: 'PASS' | 'FAIL';
  reason?: string;
  cause?: string;
  endedAt: string;
  durationMs?: number;
  steps: StepTiming[];
}

/**
 * Writes the verdict; an upsert, so a run that failed before its record existed is still recorded.
 * Returns the record as written (no session: it is removed in the same request), so the caller
 * learns the run's kind and standing user without reading it again.
 */
export async function finishRun(runId: string, result: RunResult): Promise<Partial<RunItem>> {
  const values: Record<string, unknown> = {
    ':runId': runId,
    ':status': result.verdict,
    ':endedAt': result.endedAt,
    ':steps': result.steps,
    ':ttl': ttlIn(RUN_RETENTION_SECONDS),
    ':reason': result.reason ?? null,
    ':cause': result.cause ?? null,
    ':durationMs': result.durationMs ?? null,
  };
  const { Attributes } = await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression:
        'SET #runId = :runId, #status = :status, #endedAt = :endedAt, #steps = :steps, #ttl = :ttl, ' +
        '#reason = :reason, #cause = :cause, #durationMs = :durationMs REMOVE #authSession',
      ExpressionAttributeNames: {
        '#runId': 'runId',
        '#status': 'status',
        '#endedAt': 'endedAt',
        '#steps': 'steps',
        '#ttl': 'ttl',
        '#reason': 'reason',
        '#cause': 'cause',
        '#durationMs': 'durationMs',
        '#authSession': 'authSession',
      },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return (Attributes ?? {}) as Partial<RunItem>;
}
