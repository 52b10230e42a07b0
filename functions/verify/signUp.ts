import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../../lib/clients';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { getRun } from '../../lib/runs/getRun';
import { registerWait } from '../../lib/runs/registerWait';
import { asObject, requiredString } from '../../lib/validate';
import { asAppClient } from '../../lib/verify/clientSecret';
import { runClient } from '../../lib/verify/runClient';
import { syntheticPassword } from '../../lib/verify/password';
import { RUN_ID } from '../../lib/verify/runId';

export interface SignUpOutput {
  userConfirmed: boolean;
  userSub: string;
  codeDelivery: { destination: string; medium?: string; attribute?: string };
}

/**
 * SignUp as a new user would (no IAM credentials needed by Cognito for this call), in the pool's
 * Region, with the app client's SecretHash when it has a secret. On an email-username pool the
 * name is the synthetic address, given as the email attribute too; the code still goes by SMS to
 * the phone number.
 */
export async function signUp(event: unknown): Promise<SignUpOutput> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  await registerWait(run.phoneNumber, runId, 'SIGN_UP', run.timeouts.signUpCodeSeconds, {
    userPoolId: run.userPoolId,
    username: run.username,
  });
  const client = runClient(run);
  const password = await syntheticPassword(runId);
  const attributes = [{ Name: 'phone_number', Value: run.phoneNumber }];
  if (run.username.includes('@')) attributes.push({ Name: 'email', Value: run.username });
  const result = await asAppClient(client, run.username, (secretHash) =>
    cognitoIn(client.region).send(
      new SignUpCommand({
        ClientId: run.clientId,
        Username: run.username,
        Password: password,
        SecretHash: secretHash,
        UserAttributes: attributes,
      }),
    ),
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
