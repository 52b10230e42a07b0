import { deleteUser } from '../../lib/cognito/deleteUser';
import { ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { finishRun, type RunResult } from '../../lib/runs/finishRun';
import { releasePhone } from '../../lib/runs/releasePhone';
import { phoneHoldAfterFailureSeconds } from '../../lib/verify/timeouts';
import { asObject, requiredString } from '../../lib/validate';
import { runClient } from '../../lib/verify/runClient';
import { RUN_ID } from '../../lib/verify/runId';
import { classOf } from '../../lib/verify/classify';
import { currentAttempt } from '../../lib/verify/currentAttempt';
import { publishCheckerFailure } from '../../lib/metrics';
import { isSyntheticSignInName } from '../../lib/verify/username';

const STOPPED = ['ABORTED', 'TIMED_OUT', 'FAILED'];

/** The named reason and cause recorded for each way an execution can stop without a Catch. */
const VERDICT: Record<string, Pick<RunResult, 'reason' | 'cause'>> = {
  TIMED_OUT: { reason: 'TimedOut', cause: "The execution was TIMED_OUT: it ran past the state machine's TimeoutSeconds" },
  ABORTED: { reason: 'Aborted', cause: 'The execution was ABORTED (StopExecution)' },
  FAILED: {
    reason: 'ExecutionFailed',
    cause:
      'The execution FAILED with an error that no Catch handles (States.Runtime, States.DataLimitExceeded), so its clean-up did not run',
  },
};

/**
 * A stopped (StopExecution) or timed-out execution skips every Catch, so its own clean-up never
 * runs; so does one that fails with an error `States.ALL` does not catch (States.Runtime,
 * States.DataLimitExceeded). EventBridge's "Step Functions Execution Status Change" event brings it
 * here instead: delete the synthetic user (not a sign-in run's standing user), free the phone,
 * record the run as failed and log the same `run finished` line as a failed run (reason
 * TimedOut/Aborted/ExecutionFailed; the alarms read AWS/States). Safe to receive twice: a run
 * already recorded is neither recorded nor counted again.
 */
export async function cleanUpStoppedRun(event: unknown): Promise<{ cleaned: boolean }> {
  const detail = asObject(asObject(event).detail, 'detail');
  const executionName = requiredString(detail, 'name', RUN_ID);
  const status = detail.status;
  if (typeof status !== 'string' || !STOPPED.includes(status)) {
    throw new ValidationError('detail.status', `must be one of ${STOPPED.join(', ')}`);
  }
  // The execution's name is its first attempt's run id: the attempt it stopped in may be a re-run (issue 18).
  const current = await currentAttempt(executionName);
  const runId = current.runId;
  const run = current.run;
  // Stopped before PrepareRun wrote its record: nothing was created.
  if (!run) return { cleaned: false };
  // Most FAILED runs went through their Catch, whose last step recorded them (RecordFailure): their
  // user is gone and their phone held already; touching the lease again would only move its hold.
  if (status === 'FAILED' && run.status !== 'RUNNING') {
    logger.info('failed run already cleaned up by its Catch', { runId });
    return { cleaned: false };
  }
  // A sign-in run's standing user is kept (the next run repairs it if it must); a sign-up run's goes.
  // Only a name that is ours (lib/verify/username.ts) is ever deleted, in the pool's Region.
  if (run.kind !== 'signin' && isSyntheticSignInName(run.username)) await deleteUser(runClient(run).region, run.userPoolId, run.username);
  // Stopped mid-run: an SMS of this run may still be on its way.
  await releasePhone(run.phoneNumber, runId, { holdSeconds: phoneHoldAfterFailureSeconds() });
  if (run.status === 'RUNNING') {
    const now = Date.now();
    const result: RunResult = {
      verdict: 'FAIL',
      ...VERDICT[status],
      endedAt: new Date(now).toISOString(),
      durationMs: durationOf(detail, run.startedAt, now),
      steps: [],
      class: classOf(VERDICT[status]!.reason),
    };
    await finishRun(runId, result, { attempt: current.attempt, retryOf: current.retryOf, final: true });
    logger.info('run finished', {
      runId,
      kind: run.kind ?? 'signup',
      verdict: result.verdict,
      reason: result.reason,
      class: result.class,
      durationMs: result.durationMs,
      attempt: current.attempt,
      retryOf: current.retryOf,
    });
    // Counted once per stopped execution, as AWS/States counts it in ExecutionsTimedOut/Aborted.
    publishCheckerFailure({ reason: result.reason!, runId });
  }
  logger.info('stopped run cleaned up', { runId, status });
  return { cleaned: true };
}

/** From the event's startDate/stopDate (epoch ms, as EventBridge sends them), else from the run record. */
function durationOf(detail: Record<string, unknown>, startedAt: string | undefined, now: number): number | undefined {
  const { startDate, stopDate } = detail;
  if (typeof startDate === 'number' && typeof stopDate === 'number' && stopDate >= startDate) return stopDate - startDate;
  const started = startedAt ? Date.parse(startedAt) : Number.NaN;
  return Number.isNaN(started) ? undefined : Math.max(0, now - started);
}

export const handler = taskHandler(cleanUpStoppedRun);
