import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../lib/clients';
import { isAwsError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { attachTaskToken } from '../../lib/runs/attachTaskToken';
import { getRun } from '../../lib/runs/getRun';
import type { WaitStep } from '../../lib/runs/model';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

const TASK_TOKEN = { pattern: /^\S+$/, min: 1, max: 2048, describe: 'a Step Functions task token' };

/**
 * Invoked with `.waitForTaskToken`: parks the token on the run's open wait and returns; the
 * callback API resumes the execution when the code arrives. If the code came first (fast SMS),
 * the execution is resumed from here. The resume payload never holds the code.
 */
export async function awaitCode(event: unknown): Promise<{ waiting: boolean }> {
  const input = asObject(event);
  const runId = requiredString(input, 'runId', RUN_ID);
  const step = input.step;
  if (step !== 'SIGN_UP' && step !== 'MFA') throw new ValidationError('step', 'must be SIGN_UP or MFA');
  const taskToken = requiredString(input, 'taskToken', TASK_TOKEN);
  const run = await getRun(runId);
  const wait = await attachTaskToken(run.phoneNumber, runId, step as WaitStep, taskToken);
  if (wait.answered) {
    try {
      await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ runId, step }) }));
    } catch (error) {
      // A repeat of the code can arrive once the token is parked and resume the task first (the
      // callback's idempotent resume). The task is closed then, which is what this call wanted:
      // failing here would fail a run that is already on its way.
      if (!isAwsError(error, 'TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist')) throw error;
      logger.info('code was already there; a repeated delivery resumed the run first', { runId, step });
      return { waiting: false };
    }
    logger.info('code was already there; resumed', { runId, step });
    return { waiting: false };
  }
  logger.info('waiting for code', { runId, step });
  return { waiting: true };
}

export const handler = taskHandler(awaitCode);
