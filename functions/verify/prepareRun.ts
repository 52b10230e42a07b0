import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { putRun } from '../../lib/runs/putRun';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';
import { readRunRequest } from '../../lib/verify/runRequest';
import type { Timeouts } from '../../lib/verify/timeouts';
import { syntheticUsername } from '../../lib/verify/username';

export interface RunState {
  runId: string;
  kind: 'signup';
  userPoolId: string;
  clientId: string;
  username: string;
  phone: string;
  targetName?: string;
  timeouts: Timeouts;
}

/**
 * First state of a sign-up run: validates the input, resolves the target, and writes the run
 * record that later steps read the phone number from, so the state carries only a masked one.
 * Without `phoneNumber` the run uses the stage's inbound-SMS number (parameter inboundPhoneNumberId),
 * whose two-way SMS bring the codes back by themselves. Sign-in runs start at StartSignIn instead.
 */
export async function prepareRun(event: unknown): Promise<RunState> {
  const { input: rawInput, runId: rawRunId } = asObject(event, 'event');
  const runId = requiredString({ runId: rawRunId }, 'runId', RUN_ID);
  const request = await readRunRequest(rawInput, 'signup');
  const { userPoolId, clientId, targetName, timeouts, phone } = request;
  const run = { runId, kind: 'signup' as const, userPoolId, clientId, username: syntheticUsername(runId), targetName, timeouts };
  await putRun({ ...run, phoneNumber: phone, startedAt: new Date().toISOString(), status: 'RUNNING' });
  logger.info('run prepared', { runId, kind: run.kind, userPoolId, phone: maskPhone(phone), phoneFrom: request.phoneFrom });
  return { ...run, phone: maskPhone(phone) };
}

export const handler = taskHandler(prepareRun);
