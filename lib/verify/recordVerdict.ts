import { awsErrorName } from '../errors';
import { logger } from '../logger';
import { retryTransient } from '../retryTransient';
import { publishCheckerFailure, publishFailedCheck } from '../metrics';
import { finishRun, type RunResult } from '../runs/finishRun';
import { lateCause } from '../runs/markLateCode';
import type { RunItem } from '../runs/model';
import { reserveLease } from '../runs/reserveLease';
import { setAttempts } from '../runs/setAttempts';
import { attemptRunId, attemptSeconds, decideRetry, RERUN_PRIORITY_SECONDS, type RetryDecision } from './attempts';
import { classifyFailure, classOf, type FailureReason } from './classify';
import { currentAttempt } from './currentAttempt';
import { phoneHoldAfterFailureSeconds } from './timeouts';
import { stepTimings, type StepTiming } from './stepTimings';

export interface Verdict extends RunResult {
  /** From the run record; absent when the run failed before its record was written. */
  kind?: RunItem['kind'];
  standingUser?: RunItem['standingUser'];
  standingUserReason?: string;
  firstSignIn?: RunItem['firstSignIn'];
  /** Which attempt of its check this run was, and the first attempt's run id on a re-run. */
  attempt: number;
  retryOf?: string;
  /** On a FAIL that is run again: the next attempt's number (the machine's NextAttempt state reads it). */
  retry?: { attempt: number };
  /** smsPath eums: the End User Messaging evidence the run's record held at the verdict (lib/sms/deliveryEvents.ts). */
  deliveryEvidence?: RunItem['deliveryEvidence'];
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
  /** The run's attempt, when the caller has it (a passing path's state); else read from the records. */
  attempt?: number;
}): Promise<Verdict> {
  if (p.error) return recordFailure({ ...p, error: p.error });
  const started = p.startedAt ? Date.parse(p.startedAt) : Number.NaN;
  const now = Date.now();
  const steps = await timingsOrNone(p.executionArn);
  const result: RunResult = {
    verdict: 'PASS',
    endedAt: new Date(now).toISOString(),
    durationMs: Number.isNaN(started) ? undefined : now - started,
    steps,
  };
  // Retried in place: the sign-in run's last task has used its code by now, so a Retry of the task
  // could only fail, and a verdict lost to one throttled write would turn a pass into a failure.
  const record = await retryTransient(() => finishRun(p.runId, result));
  const { kind, standingUser, standingUserReason, firstSignIn, region } = record;
  const attempt = record.attempt ?? 1;
  // A re-run's duration is its own; the check's is the execution's (AWS/States ExecutionTime).
  if (attempt > 1 && record.startedAt) result.durationMs = now - Date.parse(record.startedAt);
  logger.info('run finished', {
    runId: p.runId,
    kind,
    // The pool's Region (a replica's for a secondary): the failover alarm's metric filter may select on it.
    region,
    verdict: result.verdict,
    reason: result.reason,
    durationMs: result.durationMs,
    attempt,
    retryOf: record.retryOf,
    standingUser,
    standingUserReason,
  });
  return { ...result, kind, standingUser, standingUserReason, firstSignIn, attempt, retryOf: record.retryOf };
}

/**
 * A failed attempt: named (classifyFailure), classed (FAILURE_CLASS), SmsLate when its code came
 * after the wait but before this verdict, and run again when retries are left and a re-run can
 * change the answer (decideRetry). `runId` is the execution's name: the attempt is looked up.
 */
async function recordFailure(p: {
  runId: string;
  executionArn: string;
  startedAt?: string;
  error: { Error?: unknown; Cause?: unknown };
}): Promise<Verdict> {
  const now = Date.now();
  const current = await retryTransient(() => currentAttempt(p.runId));
  const run = current.run;
  const started = Date.parse(current.attempt > 1 && run?.startedAt ? run.startedAt : (p.startedAt ?? ''));
  const failure = classifyFailure(
    typeof p.error.Error === 'string' ? p.error.Error : undefined,
    typeof p.error.Cause === 'string' ? p.error.Cause : undefined,
    run?.codeRoute,
  );
  let reason: FailureReason = failure.reason;
  let cause = failure.cause;
  if (reason === 'SmsCodeNotReceived' && typeof run?.smsLateByMs === 'number') {
    reason = 'SmsLate';
    cause = lateCause(run.smsLateByMs);
  }
  // smsPath eums: what the carrier said, if it said it before this verdict (never waited for); the
  // reason stays, so the runbook's queries by reason still hold. Later events are attached to the record.
  const deliveryEvidence = run?.deliveryEvidence;
  if (reason === 'SmsCodeNotReceived' && deliveryEvidence) cause = `${cause} End User Messaging says: ${deliveryEvidence}.`;
  // What a re-run would run: the first attempt's record (a bare one, written by an earlier failure, has no phone).
  const source = current.first ?? run;
  const executionStarted = Date.parse(p.startedAt ?? '');
  const decision: RetryDecision =
    source && typeof source.phoneNumber === 'string' && source.timeouts
      ? decideRetry({
          reason,
          attempt: current.attempt,
          retries: source.retries ?? 0,
          elapsedSeconds: Number.isNaN(executionStarted) ? 0 : (now - executionStarted) / 1000,
          nextAttemptSeconds: attemptSeconds(source.kind ?? 'signup', source.timeouts, phoneHoldAfterFailureSeconds()),
          hasRunRecord: true,
        })
      : { retry: false, why: 'no-run-record' };
  const result: RunResult = {
    verdict: 'FAIL',
    reason,
    cause,
    class: classOf(reason),
    endedAt: new Date(now).toISOString(),
    durationMs: Number.isNaN(started) ? undefined : now - started,
    steps: await timingsOrNone(p.executionArn),
  };
  const final = !decision.retry;
  const record = await retryTransient(() =>
    finishRun(current.runId, result, { attempt: current.attempt, retryOf: current.retryOf, final }),
  );
  if (decision.retry) {
    await retryTransient(() => setAttempts(p.runId, decision.attempt));
    // The re-run goes before the checks waiting for the phone (lib/runs/reserveLease.ts).
    const nextRunId = attemptRunId(p.runId, decision.attempt);
    await retryTransient(() => reserveLease(source!.phoneNumber as string, current.runId, nextRunId, RERUN_PRIORITY_SECONDS));
  }
  const { kind, standingUser, standingUserReason, firstSignIn, region } = record;
  logger.info('run finished', {
    runId: current.runId,
    kind,
    // As on a pass: the failover alarm's metric filter selects on the Region, and on `final` (a
    // failed attempt that a re-run follows is not the check's verdict).
    region,
    verdict: result.verdict,
    final,
    reason: result.reason,
    class: result.class,
    durationMs: result.durationMs,
    attempt: current.attempt,
    retryOf: current.retryOf,
    ...(decision.retry ? { retryAttempt: decision.attempt } : { notRetriedBecause: decision.why }),
    smsLateByMs: run?.smsLateByMs,
    deliveryEvidence,
    standingUser,
    standingUserReason,
  });
  // The execution ends with this verdict: counted once, for the paging alarm (pool, sms) or the
  // checker's own warning (resources/monitoring.yml).
  const failureClass = classOf(reason);
  if (final) {
    if (failureClass === 'checker') publishCheckerFailure({ reason, runId: current.runId });
    else publishFailedCheck({ reason, class: failureClass, runId: current.runId });
  }
  return {
    ...result,
    kind: kind ?? source?.kind,
    standingUser,
    standingUserReason,
    firstSignIn,
    attempt: current.attempt,
    retryOf: current.retryOf,
    ...(decision.retry && { retry: { attempt: decision.attempt } }),
    ...(deliveryEvidence && { deliveryEvidence }),
  };
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
