import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { releasePhone } from '../../lib/runs/releasePhone';
import { ValidationError } from '../../lib/errors';
import { asObject, requiredString } from '../../lib/validate';
import { phoneHoldAfterFailureSeconds } from '../../lib/verify/timeouts';
import { RUN_ID } from '../../lib/verify/runId';
import { currentAttempt } from '../../lib/verify/currentAttempt';

/**
 * Last step of every path of a run: its phone is free for the next run — at once after a pass,
 * after a short hold after a failure (`failed: true`), when an SMS of this run may still arrive.
 */
export async function releaseLease(event: unknown): Promise<{ released: boolean; heldSeconds: number }> {
  const input = asObject(event);
  const runId = requiredString(input, 'runId', RUN_ID);
  if (input.failed !== undefined && typeof input.failed !== 'boolean') throw new ValidationError('failed', 'must be true or false');
  const holdSeconds = input.failed === true ? phoneHoldAfterFailureSeconds() : 0;
  // A sign-in run's failure path knows only the execution's name: a re-run's phone is its attempt's (issue 18).
  const current = input.failed === true ? await currentAttempt(runId) : { runId, run: await getRun(runId) };
  const run = current.run;
  // A run that failed before its record was written (bad input, unknown target) took no phone.
  if (!run?.phoneNumber) return { released: false, heldSeconds: 0 };
  return { released: await releasePhone(run.phoneNumber, current.runId, { holdSeconds }), heldSeconds: holdSeconds };
}

export const handler = taskHandler(releaseLease);
