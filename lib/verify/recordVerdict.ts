import { awsErrorName } from '../errors';
import { logger } from '../logger';
import { retryTransient } from '../retryTransient';
import { finishRun, type RunResult } from '../runs/finishRun';
import type { RunItem } from '../runs/model';
import { classifyFailure } from './classify';
import { stepTimings, type StepTiming } from './stepTimings';

export interface Verdict extends RunResult {
  /** From the run record; absent when the run failed before its record was written. */
  kind?: RunItem['kind'];
  standingUser?: RunItem['standingUser'];
  standingUserReason?: string;
  firstSignIn?: RunItem['firstSignIn'];
}

/**
 * PASS, or the named failure reason with a cause a person can act on, with per-step timings from
 * the execution's history: written to the run record (history, status) and logged as the one verdict
 * line per run (`run finished`, which the runbook's Logs Insights queries read). Shared by RecordPass/RecordFailure and
 * the sign-in run's last task.
 */
export async function recordVerdict(p: {
  runId: string;
  executionArn: string;
  startedAt?: string;
  error?: { Error?: unknown; Cause?: unknown };
}): Promise<Verdict> {
  const started = p.startedAt ? Date.parse(p.startedAt) : Number.NaN;
  const now = Date.now();
  const steps = await timingsOrNone(p.executionArn);
  const result: RunResult = {
    verdict: 'PASS',
    endedAt: new Date(now).toISOString(),
    durationMs: Number.isNaN(started) ? undefined : now - started,
    steps,
  };
  if (p.error) {
    const failure = classifyFailure(
      typeof p.error.Error === 'string' ? p.error.Error : undefined,
      typeof p.error.Cause === 'string' ? p.error.Cause : undefined,
    );
    Object.assign(result, { verdict: 'FAIL', reason: failure.reason, cause: failure.cause });
  }
  // Retried in place: the sign-in run's last task has used its code by now, so a Retry of the task
  // could only fail, and a verdict lost to one throttled write would turn a pass into a failure.
  const record = await retryTransient(() => finishRun(p.runId, result));
  const { kind, standingUser, standingUserReason, firstSignIn, region } = record;
  logger.info('run finished', {
    runId: p.runId,
    kind,
    // The pool's Region (a replica's for a secondary): the failover alarm's metric filter may select on it.
    region,
    verdict: result.verdict,
    reason: result.reason,
    durationMs: result.durationMs,
    standingUser,
    standingUserReason,
  });
  return { ...result, kind, standingUser, standingUserReason, firstSignIn };
}

/**
 * The timings are a report, not the verdict: when the history cannot be read (GetExecutionHistory
 * throttled, say) the run is recorded without them rather than failed.
 */
async function timingsOrNone(executionArn: string): Promise<StepTiming[]> {
  try {
    return await stepTimings(executionArn);
  } catch (error) {
    logger.warn('step timings unavailable; recording the verdict without them', { error: awsErrorName(error) ?? 'Error' });
    return [];
  }
}
