import { ValidationError } from '../errors';
import type { FailureReason } from './classify';
import type { CheckKind } from './kind';
import type { Timeouts } from './timeouts';

/**
 * Retries before a verdict (issue 18): a failed attempt is confirmed by up to `retries` immediate
 * re-runs inside the same verify execution, and the last attempt decides. One execution is one
 * check, so the free AWS/States metrics the alarms read (ExecutionsFailed, ExecutionsSucceeded)
 * count confirmed verdicts only; each attempt has its own run record, linked by `retryOf`.
 */
export const RETRY_LIMITS = { min: 0, max: 2 } as const;
/**
 * What a scheduled check gets when checks.yml says nothing (plugins/checks.js DEFAULT_RETRIES).
 * Two: CheckFailingAlarm pages on one confirmed failure (no second check awaited), so the re-runs
 * are the noise filter: a check fails falsely only when all three attempts lose or miss their SMS
 * (README "When it pages", the trade-off table; scripts/simulate/report.ts).
 */
export const SCHEDULED_DEFAULT_RETRIES = 2;
/**
 * What a run started without `retries` gets (`cogcheck verify`, `npm start`, a hand-made
 * StartExecution): none. A person running one check wants to see what happened at once, and a
 * failure they then re-run themselves; the schedule, which pages, sends its check's retries.
 */
export const INPUT_DEFAULT_RETRIES = 0;

/**
 * How long after the failed attempt's phone hold only its re-run may take the phone (reserveLease):
 * longer than the longest pause between two PhoneBusy retries of the re-run's lease task
 * (MaxDelaySeconds 60, statemachines/verify.asl.yml), so the re-run tries at least once in it.
 */
export const RERUN_PRIORITY_SECONDS = 90;

/** The verify machine's TimeoutSeconds (statemachines/verify.asl.yml; a test reads it there). */
export const MACHINE_TIMEOUT_SECONDS = 6000;

export function readRetries(value: unknown, field = 'retries'): number {
  if (value === undefined || value === null) return INPUT_DEFAULT_RETRIES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < RETRY_LIMITS.min || value > RETRY_LIMITS.max) {
    throw new ValidationError(field, `must be a whole number from ${RETRY_LIMITS.min} to ${RETRY_LIMITS.max}`);
  }
  return value;
}

/**
 * The run id of an attempt: the execution's name for the first (as before retries existed, so
 * `cogcheck` finds a run by its execution), `<name>-r<n>` for the re-runs. Names are at most 80
 * characters, like the run ids (lib/verify/runId.ts): a long name is cut to make room.
 */
export function attemptRunId(executionName: string, attempt: number): string {
  if (attempt <= 1) return executionName;
  const suffix = `-r${attempt}`;
  return `${executionName.slice(0, 80 - suffix.length)}${suffix}`;
}

/**
 * Failures worth a second attempt: the ones a moment can change. A pool that is set up so the
 * check cannot pass (MFA not enforced, the flow not allowed, a trigger refusing, a secret that
 * changed, ...) fails the same way again, and a re-run would only spend another SMS on it;
 * a bad input or a missing target record likewise. PhoneBusy has had its own minutes of backoff.
 */
export const RETRYABLE: ReadonlySet<FailureReason> = new Set<FailureReason>([
  'SmsCodeNotReceived',
  'SmsLate',
  'CodeMismatch',
  'ExpiredCode',
  'Throttled',
  'SignInSaveFailed',
  'Unexpected',
]);

/**
 * Seconds an attempt may take at most, but for PhoneBusy backoff at its worst: its code waits,
 * the failed attempt's phone hold it waits out first, and the other states' Lambdas. A retry
 * starts only if that fits in what is left of the machine's TimeoutSeconds, so a re-run never
 * turns a clean FAIL into a TIMED_OUT.
 */
export function attemptSeconds(kind: CheckKind, timeouts: Timeouts, phoneHoldSeconds: number): number {
  const waits = kind === 'signin' ? timeouts.mfaCodeSeconds : timeouts.signUpCodeSeconds + timeouts.mfaCodeSeconds;
  return phoneHoldSeconds + waits + OTHER_STATES_SECONDS;
}
/** The ~15 other task states of a path, each a Lambda of at most 30 s with a few quick retries. */
export const OTHER_STATES_SECONDS = 600;

export type RetryDecision =
  | { retry: true; attempt: number }
  | { retry: false; why: 'passed' | 'not-retryable' | 'no-retries-left' | 'no-time-left' | 'no-run-record' };

/**
 * Whether a failed attempt is run again. `attempt` is the one that just failed (1 = the first),
 * `retries` the check's (0..2), `elapsedSeconds` since the execution started.
 */
export function decideRetry(p: {
  reason: FailureReason | undefined;
  attempt: number;
  retries: number;
  elapsedSeconds: number;
  nextAttemptSeconds: number;
  hasRunRecord: boolean;
}): RetryDecision {
  if (p.reason === undefined) return { retry: false, why: 'passed' };
  if (!RETRYABLE.has(p.reason)) return { retry: false, why: 'not-retryable' };
  if (p.attempt > p.retries) return { retry: false, why: 'no-retries-left' };
  // Without the first attempt's record (it failed before writing it) there is nothing to run again from.
  if (!p.hasRunRecord) return { retry: false, why: 'no-run-record' };
  if (p.elapsedSeconds + p.nextAttemptSeconds > MACHINE_TIMEOUT_SECONDS) return { retry: false, why: 'no-time-left' };
  return { retry: true, attempt: p.attempt + 1 };
}
