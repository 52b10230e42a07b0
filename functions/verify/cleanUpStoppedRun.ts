import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { isAwsError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { finishRun } from '../../lib/runs/finishRun';
import { getRun } from '../../lib/runs/getRun';
import { releasePhone } from '../../lib/runs/releasePhone';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

const STOPPED = ['ABORTED', 'TIMED_OUT'];

/**
 * A stopped (StopExecution) or timed-out execution skips every Catch, so its own clean-up never
 * runs. EventBridge's "Step Functions Execution Status Change" event brings it here instead:
 * delete the synthetic user, free the phone, record the run as failed. Safe to receive twice.
 */
export async function cleanUpStoppedRun(event: unknown): Promise<{ cleaned: boolean }> {
  const detail = asObject(asObject(event).detail, 'detail');
  const runId = requiredString(detail, 'name', RUN_ID);
  const status = detail.status;
  if (typeof status !== 'string' || !STOPPED.includes(status)) {
    throw new ValidationError('detail.status', `must be one of ${STOPPED.join(', ')}`);
  }
  const run = await getRun(runId).catch((error: Error) => {
    if (error.name === 'RunNotFound') return undefined;
    throw error;
  });
  // Stopped before PrepareRun wrote its record: nothing was created.
  if (!run) return { cleaned: false };
  try {
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: run.userPoolId, Username: run.username }));
  } catch (error) {
    if (!isAwsError(error, 'UserNotFoundException')) throw error;
  }
  await releasePhone(run.phoneNumber, runId);
  if (run.status === 'RUNNING') {
    await finishRun(runId, { verdict: 'FAIL', reason: 'Unexpected', cause: `The execution was ${status}`, endedAt: new Date().toISOString(), steps: [] });
  }
  logger.info('stopped run cleaned up', { runId, status });
  return { cleaned: true };
}

export const handler = taskHandler(cleanUpStoppedRun);
