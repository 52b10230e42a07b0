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
  /** A FAIL's class (lib/verify/classify.ts FAILURE_CLASS). */
  class?: 'pool' | 'sms' | 'checker';
}

/**
 * Which attempt of its check the run is (issue 18), written with the verdict so that a run that
 * failed before its record existed is still linked; `final`: no re-run follows, this verdict is the check's.
 */
export interface AttemptLink {
  attempt: number;
  retryOf?: string;
  final: boolean;
}

/**
 * Writes the verdict; an upsert, so a run that failed before its record existed is still recorded.
 * Returns the record as written (no session: it is removed in the same request), so the caller
 * learns the run's kind and standing user without reading it again.
 */
export async function finishRun(runId: string, result: RunResult, link?: AttemptLink): Promise<Partial<RunItem>> {
  const linkNames: Record<string, string> = link
    ? { '#class': 'class', '#attempt': 'attempt', '#final': 'final', ...(link.retryOf !== undefined && { '#retryOf': 'retryOf' }) }
    : {};
  const linkValues: Record<string, unknown> = link
    ? {
        ':class': result.class ?? null,
        ':attempt': link.attempt,
        ':final': link.final,
        ...(link.retryOf !== undefined && { ':retryOf': link.retryOf }),
      }
    : {};
  const linkSet = link
    ? `, #class = :class, #attempt = :attempt, #final = :final${link.retryOf !== undefined ? ', #retryOf = :retryOf' : ''}`
    : '';
  const values: Record<string, unknown> = {
    ':runId': runId,
    ':status': result.verdict,
    ':endedAt': result.endedAt,
    ':steps': result.steps,
    ':ttl': ttlIn(RUN_RETENTION_SECONDS),
    ':reason': result.reason ?? null,
    ':cause': result.cause ?? null,
    ':durationMs': result.durationMs ?? null,
    ...linkValues,
  };
  const { Attributes } = await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression:
        'SET #runId = :runId, #status = :status, #endedAt = :endedAt, #steps = :steps, #ttl = :ttl, ' +
        `#reason = :reason, #cause = :cause, #durationMs = :durationMs${linkSet} REMOVE #authSession`,
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
        ...linkNames,
      },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return (Attributes ?? {}) as Partial<RunItem>;
}
