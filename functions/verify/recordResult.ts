import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { finishRun, type RunResult } from '../../lib/runs/finishRun';
import { asObject, requiredString } from '../../lib/validate';
import { classifyFailure } from '../../lib/verify/classify';
import { RUN_ID } from '../../lib/verify/runId';
import { stepTimings } from '../../lib/verify/stepTimings';

const EXECUTION_ARN = { pattern: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/, min: 20, max: 2048, describe: 'an execution ARN' };

/**
 * Last state of every path: PASS, or the named failure reason with a cause a person can act on,
 * with per-step timings, in the run record (for history and alarms) and as the state's output.
 */
export async function recordResult(event: unknown): Promise<RunResult> {
  const input = asObject(event);
  const runId = requiredString(input, 'runId', RUN_ID);
  const executionArn = requiredString(input, 'executionArn', EXECUTION_ARN);
  const error = input.error === undefined || input.error === null ? undefined : asObject(input.error, 'error');
  const startedAt = typeof input.startedAt === 'string' ? Date.parse(input.startedAt) : NaN;
  const now = Date.now();
  const steps = await stepTimings(executionArn);
  const result: RunResult = { verdict: 'PASS', endedAt: new Date(now).toISOString(), durationMs: Number.isNaN(startedAt) ? undefined : now - startedAt, steps };
  if (error) {
    const failure = classifyFailure(typeof error.Error === 'string' ? error.Error : undefined, typeof error.Cause === 'string' ? error.Cause : undefined);
    Object.assign(result, { verdict: 'FAIL', reason: failure.reason, cause: failure.cause });
  }
  await finishRun(runId, result);
  logger.info('run finished', { runId, verdict: result.verdict, reason: result.reason, durationMs: result.durationMs });
  return result;
}

export const handler = taskHandler(recordResult);
