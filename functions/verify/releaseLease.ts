import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { releasePhone } from '../../lib/runs/releasePhone';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

/** Last step of every path of a run: its phone is free for the next run. */
export async function releaseLease(event: unknown): Promise<{ released: boolean }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  return { released: await releasePhone(run.phoneNumber, runId) };
}

export const handler = taskHandler(releaseLease);
