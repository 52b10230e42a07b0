import { taskHandler } from '../../lib/handler';
import type { RunResult } from '../../lib/runs/finishRun';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';
import { recordVerdict, type Verdict } from '../../lib/verify/recordVerdict';

const EXECUTION_ARN = {
  pattern: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/,
  min: 20,
  max: 2048,
  describe: 'an execution ARN',
};

/**
 * Last state of every path: PASS, or the named failure reason with a cause a person can act on,
 * with per-step timings, in the run record (for history and alarms) and as the state's output.
 */
export async function recordResult(
  event: unknown,
): Promise<RunResult & Pick<Verdict, 'kind' | 'attempt' | 'retryOf' | 'retry' | 'deliveryEvidence'>> {
  const input = asObject(event);
  const runId = requiredString(input, 'runId', RUN_ID);
  const executionArn = requiredString(input, 'executionArn', EXECUTION_ARN);
  const error = input.error === undefined || input.error === null ? undefined : asObject(input.error, 'error');
  const startedAt = typeof input.startedAt === 'string' ? input.startedAt : undefined;
  const { verdict, reason, cause, endedAt, durationMs, steps, kind, attempt, retryOf, retry, ...rest } = await recordVerdict({
    runId,
    executionArn,
    startedAt,
    error,
  });
  // `retry` (a FAIL that is run again) is what the machine's RetryOrFail state reads; class and the link are the verdict's.
  return {
    verdict,
    reason,
    cause,
    ...(rest.class !== undefined && { class: rest.class }),
    endedAt,
    durationMs,
    steps,
    kind,
    attempt,
    ...(retryOf !== undefined && { retryOf }),
    ...(retry !== undefined && { retry }),
    ...(rest.deliveryEvidence !== undefined && { deliveryEvidence: rest.deliveryEvidence }),
  };
}

export const handler = taskHandler(recordResult);
