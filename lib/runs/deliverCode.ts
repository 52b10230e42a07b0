import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../clients';
import { awsErrorName, isAwsError } from '../errors';
import { logger } from '../logger';
import { answerWait, type AnswerOptions } from './answerWait';
import { markLateCode, type LateCodeOutcome } from './markLateCode';
import type { WaitItem, WaitStep } from './model';

/**
 * What became of a delivered code. Every route that brings codes back (the signed callback,
 * two-way SMS, the Custom SMS Sender, the Twilio webhook) ends here, so "first answer wins",
 * late codes and stale repeats behave the same whichever way a code came.
 */
export type Delivery =
  /**
   * Stored and the waiting execution resumed (or, for a repeat of the same code, resumed again).
   * `timeToSmsMs`: from the wait's registration (just before the SMS-sending call) to the code's
   * arrival; a field of the route's log line, which Logs Insights charts (no metric series).
   */
  | { outcome: 'Resumed'; runId: string; step: WaitStep; timeToSmsMs?: number }
  /** Stored before the await task parked its token: that task finds it and resumes itself. */
  | { outcome: 'StoredBeforeAwait'; runId: string; step: WaitStep; timeToSmsMs?: number }
  /** No wait on that phone (or not of the named run). */
  | { outcome: 'NotWaiting' }
  /** The wait has its code already, or this is the previous step's code again. */
  | { outcome: 'AlreadyAnswered'; runId: string; step: WaitStep; previousStep: boolean }
  /** The wait is of the other step (a resent sign-up code while the MFA code is awaited). */
  | { outcome: 'WrongStep'; runId: string; step: WaitStep }
  /**
   * Too late: the wait's deadline passed, or Step Functions says the task is closed. `lateByMs`:
   * after the wait's end; `late`: what that did to the run's record (lib/runs/markLateCode.ts).
   */
  | { outcome: 'WaitExpired'; runId: string; step: WaitStep; why: string; lateByMs?: number; late?: LateCodeOutcome | 'unrecorded' };

export type DeliveryOutcome = Delivery['outcome'];

/** What a closed task token answers: the execution no longer waits for this code. */
const TASK_CLOSED = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

/**
 * Stores the code on the phone's open wait (first answer wins) and resumes the execution with
 * `SendTaskSuccess`. AWS failures (throttling, DynamoDB down) are thrown: they are transient,
 * and the caller's retry (SNS, Lambda, the HTTP client) is what should happen.
 */
export async function deliverCode(phone: string, code: string, options: AnswerOptions = {}): Promise<Delivery> {
  const answer = await answerWait(phone, code, options);
  switch (answer.outcome) {
    case 'NOT_WAITING':
      return { outcome: 'NotWaiting' };
    case 'WRONG_STEP':
      return { outcome: 'WrongStep', runId: answer.wait.runId, step: answer.wait.step };
    case 'EXPIRED':
      return {
        outcome: 'WaitExpired',
        runId: answer.wait.runId,
        step: answer.wait.step,
        why: 'the wait expired before the code arrived',
        ...(await recordLate(answer.wait, options.now ?? Date.now())),
      };
    case 'ALREADY_ANSWERED': {
      const wait = answer.wait;
      // The same code again, on a wait whose execution may never have been told (the earlier
      // SendTaskSuccess failed): resuming is idempotent and Step Functions says whether the task
      // is still open. Any other repeat is a second answer, which loses.
      if (wait.answered && wait.code === code && wait.taskToken && wait.consumedAt === undefined) {
        if ((await resume(wait)) === true) return { outcome: 'Resumed', runId: wait.runId, step: wait.step };
      }
      return { outcome: 'AlreadyAnswered', runId: wait.runId, step: wait.step, previousStep: !wait.answered };
    }
    case 'ACCEPTED': {
      const wait = answer.wait;
      const timeToSmsMs = timeToSms(wait);
      if (!wait.taskToken) return { outcome: 'StoredBeforeAwait', runId: wait.runId, step: wait.step, timeToSmsMs };
      const resumed = await resume(wait);
      if (resumed !== true)
        return {
          outcome: 'WaitExpired',
          runId: wait.runId,
          step: wait.step,
          why: `the execution stopped waiting (${resumed})`,
          ...(await recordLate(wait, options.now ?? Date.now())),
        };
      return { outcome: 'Resumed', runId: wait.runId, step: wait.step, timeToSmsMs };
    }
  }
}

/**
 * A code its run no longer waits for is evidence (issue 18): SmsLate, not SmsLost. Its delay goes on
 * the run's record; one named log line per late code. Best effort: the code is refused (410) all
 * the same, and a failed write must not turn that answer into a retry storm of the route.
 */
async function recordLate(wait: WaitItem, now: number): Promise<{ lateByMs?: number; late?: LateCodeOutcome | 'unrecorded' }> {
  // The sandbox verification has no run to record on.
  if (wait.step === 'SANDBOX') return {};
  const lateByMs = Math.max(0, now - wait.expiresAt);
  const timeToSmsMs = typeof wait.registeredAt === 'number' ? Math.max(0, now - wait.registeredAt) : undefined;
  try {
    const late = await markLateCode(wait.runId, wait.step, lateByMs, now);
    logger.info(LATE_LINES[late], { runId: wait.runId, step: wait.step, lateByMs, timeToSmsMs, late });
    return { lateByMs, late };
  } catch (error) {
    logger.warn('late code not recorded', { runId: wait.runId, step: wait.step, lateByMs, error: awsErrorName(error) ?? 'Error' });
    return { lateByMs, late: 'unrecorded' };
  }
}

/** One named line for each thing a late code can do (README "When it pages"). */
const LATE_LINES: Record<LateCodeOutcome, string> = {
  beforeVerdict: 'late code recorded before the verdict',
  reasonChanged: 'late code recorded: SmsLate',
  evidence: 'late code attached to a final verdict',
  repeat: 'late code repeated',
  noRun: 'late code for no run',
};

/** Only the first answer is timed: a repeat of the same code says nothing about SMS latency. */
const timeToSms = (wait: WaitItem): number | undefined =>
  typeof wait.answeredAt === 'number' && typeof wait.registeredAt === 'number'
    ? Math.max(0, wait.answeredAt - wait.registeredAt)
    : undefined;

/**
 * Resumes the waiting execution. The output names the run and the step only: the next task
 * reads the code from DynamoDB, because state output is kept in the execution history.
 * Returns true, or the AWS error name saying the task is closed.
 */
async function resume(wait: WaitItem & { consumedAt?: number }): Promise<true | string> {
  try {
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ runId: wait.runId, step: wait.step }) }),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, ...TASK_CLOSED)) return awsErrorName(error) ?? 'TaskTimedOut';
    throw error;
  }
}

/** True for the outcomes where the code reached its run. */
export const delivered = (d: Delivery): d is Extract<Delivery, { outcome: 'Resumed' | 'StoredBeforeAwait' }> =>
  d.outcome === 'Resumed' || d.outcome === 'StoredBeforeAwait';
