import { ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { takeCode } from '../../lib/runs/takeCode';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

/** The code comes from the run's wait item, where the callback put it; never from state. */
export async function confirmSignUp(event: unknown): Promise<{ confirmed: true }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  const { code } = await takeCode(run.phoneNumber, runId, 'SIGN_UP');
  await cognito().send(new ConfirmSignUpCommand({ ClientId: run.clientId, Username: run.username, ConfirmationCode: code }));
  return { confirmed: true };
}

export const handler = taskHandler(confirmSignUp);
