import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { RUN_RETENTION_SECONDS, runKey, runsTable, ttlIn } from './model';
import type { StepTiming } from '../verify/stepTimings';

export interface RunResult {
  verdict: 'PASS' | 'FAIL';
  reason?: string;
  cause?: string;
  endedAt: string;
  durationMs?: number;
  steps: StepTiming[];
}

/** Writes the verdict; an upsert, so a run that failed before its record existed is still recorded. */
export async function finishRun(runId: string, result: RunResult): Promise<void> {
  const values: Record<string, unknown> = {
    ':runId': runId, ':status': result.verdict, ':endedAt': result.endedAt, ':steps': result.steps, ':ttl': ttlIn(RUN_RETENTION_SECONDS),
    ':reason': result.reason ?? null, ':cause': result.cause ?? null, ':durationMs': result.durationMs ?? null,
  };
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression:
        'SET #runId = :runId, #status = :status, #endedAt = :endedAt, #steps = :steps, #ttl = :ttl, ' +
        '#reason = :reason, #cause = :cause, #durationMs = :durationMs REMOVE #authSession',
      ExpressionAttributeNames: {
        '#runId': 'runId', '#status': 'status', '#endedAt': 'endedAt', '#steps': 'steps', '#ttl': 'ttl',
        '#reason': 'reason', '#cause': 'cause', '#durationMs': 'durationMs', '#authSession': 'authSession',
      },
      ExpressionAttributeValues: values,
    }),
  );
}
