import { taskHandler } from '../../lib/handler';
import { CLIENT_ID, USER_POOL_ID } from '../../lib/cognito/ids';
import { ValidationError } from '../../lib/errors';
import { optionalEnv } from '../../lib/env';
import { logger } from '../../lib/logger';
import { TARGET_NAME } from '../../lib/names';
import { maskPhone, PHONE_NUMBER } from '../../lib/phone';
import { putRun } from '../../lib/runs/putRun';
import { inboundPhoneNumber } from '../../lib/sms/inboundPhoneNumber';
import { getTarget } from '../../lib/targets/getTarget';
import { asObject, noUnknownFields, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';
import { readTimeouts, type Timeouts } from '../../lib/verify/timeouts';
import { syntheticUsername } from '../../lib/verify/username';

export interface RunState {
  runId: string;
  userPoolId: string;
  clientId: string;
  username: string;
  phone: string;
  targetName?: string;
  timeouts: Timeouts;
}

/**
 * First state of a verification run: validates the input, resolves the target, and writes the
 * run record that later steps read the phone number from, so the state carries only a masked one.
 * Without `phoneNumber` the run uses the stage's inbound-SMS number (parameter inboundPhoneNumberId),
 * whose two-way SMS bring the codes back by themselves.
 */
export async function prepareRun(event: unknown): Promise<RunState> {
  const { input: rawInput, runId: rawRunId } = asObject(event, 'event');
  const runId = requiredString({ runId: rawRunId }, 'runId', RUN_ID);
  const input = asObject(rawInput ?? {}, 'input');
  noUnknownFields(input, ['target', 'userPoolId', 'clientId', 'phoneNumber', 'timeouts']);
  const phoneNumber = input.phoneNumber === undefined || input.phoneNumber === null ? undefined : requiredString(input, 'phoneNumber', PHONE_NUMBER);
  const timeouts = readTimeouts(input.timeouts);
  // Checked before any AWS call, like every other input problem.
  const inboundId = optionalEnv('INBOUND_PHONE_NUMBER_ID');
  if (phoneNumber === undefined && inboundId === undefined) {
    throw new ValidationError('phoneNumber', 'is required (this stage has no inboundPhoneNumberId to default to)');
  }

  let userPoolId: string;
  let clientId: string;
  let targetName: string | undefined;
  if (input.target !== undefined) {
    if (input.userPoolId !== undefined || input.clientId !== undefined) {
      throw new ValidationError('target', 'give either target or userPoolId + clientId, not both');
    }
    targetName = requiredString(input, 'target', TARGET_NAME);
    ({ userPoolId, clientId } = await getTarget(targetName));
  } else {
    if (input.userPoolId === undefined && input.clientId === undefined) {
      throw new ValidationError('target', 'is required (or userPoolId and clientId)');
    }
    userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
    clientId = requiredString(input, 'clientId', CLIENT_ID);
  }

  // No phone given (the schedule without checkPhoneNumber): the stage's inbound-SMS number.
  const phone = phoneNumber ?? (await inboundPhoneNumber(inboundId!));
  const run = { runId, userPoolId, clientId, username: syntheticUsername(runId), targetName, timeouts };
  await putRun({ ...run, phoneNumber: phone, startedAt: new Date().toISOString(), status: 'RUNNING' });
  logger.info('run prepared', { runId, userPoolId, phone: maskPhone(phone), phoneFrom: phoneNumber ? 'input' : 'inboundPhoneNumberId' });
  return { ...run, phone: maskPhone(phone) };
}

export const handler = taskHandler(prepareRun);
