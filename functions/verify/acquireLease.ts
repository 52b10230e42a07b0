import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { takeLease } from '../../lib/runs/takeLease';
import { asObject, requiredString } from '../../lib/validate';
import { leaseSeconds } from '../../lib/verify/kind';
import { RUN_ID } from '../../lib/verify/runId';

/**
 * One run per phone number at a time, or two runs could each take the other's SMS code. The lease
 * expires by itself if a run dies without releasing it; a busy phone fails with PhoneBusy, which
 * the state machine retries with backoff (the run waits its turn).
 */
export async function acquireLease(event: unknown): Promise<{ leasedUntil: string }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  const expiresAt = await takeLease(run.phoneNumber, runId, leaseSeconds(run.kind ?? 'signup', run.timeouts));
  return { leasedUntil: new Date(expiresAt).toISOString() };
}

export const handler = taskHandler(acquireLease);
