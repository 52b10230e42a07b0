import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { getRun } from '../../lib/runs/getRun';
import { registerWait } from '../../lib/runs/registerWait';
import { asObject, requiredString } from '../../lib/validate';
import { syntheticPassword } from '../../lib/verify/password';
import { RUN_ID } from '../../lib/verify/runId';

export interface SignUpOutput {
  userConfirmed: boolean;
  userSub: string;
  codeDelivery: { destination: string; medium?: string; attribute?: string };
}

/** SignUp as a new user would (no IAM credentials needed by Cognito for this call). */
export async function signUp(event: unknown): Promise<SignUpOutput> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  await registerWait(run.phoneNumber, runId, 'SIGN_UP', run.timeouts.signUpCodeSeconds, {
    userPoolId: run.userPoolId,
    username: run.username,
  });
  const result = await cognito().send(
    new SignUpCommand({
      ClientId: run.clientId,
      Username: run.username,
      Password: await syntheticPassword(runId),
      UserAttributes: [{ Name: 'phone_number', Value: run.phoneNumber }],
    }),
  );
  const delivery = result.CodeDeliveryDetails;
  logger.info('signed up', { runId, medium: delivery?.DeliveryMedium, destination: maskPhone(run.phoneNumber) });
  return {
    userConfirmed: Boolean(result.UserConfirmed),
    userSub: result.UserSub ?? '',
    // Masked by us too: the state history must never hold the number, whatever the service returns.
    codeDelivery: { destination: maskPhone(run.phoneNumber), medium: delivery?.DeliveryMedium, attribute: delivery?.AttributeName },
  };
}

export const handler = taskHandler(signUp);
