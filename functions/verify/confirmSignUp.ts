import { ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../../lib/clients';
import { setSmsMfaPreference } from '../../lib/cognito/setSmsMfaPreference';
import { userPoolFacts } from '../../lib/cognito/userPoolFacts';
import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { takeCode } from '../../lib/runs/takeCode';
import { asObject, requiredString } from '../../lib/validate';
import { asAppClient } from '../../lib/verify/clientSecret';
import { runClient } from '../../lib/verify/runClient';
import { RUN_ID } from '../../lib/verify/runId';

/**
 * The code comes from the run's wait item, where the callback put it; never from state. Sent with
 * the app client's SecretHash when it has a secret. On a pool whose MFA is not OFF the confirmed
 * user then gets SMS MFA turned on and preferred, as a user who chose it would: on an OPTIONAL pool
 * only then must its sign-in be challenged, and on a pool also offering e-mail MFA or TOTP it is
 * then challenged with SMS_MFA, not SELECT_MFA_TYPE.
 */
export async function confirmSignUp(event: unknown): Promise<{ confirmed: true; smsMfaTurnedOn?: true }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  const client = runClient(run);
  const { code } = await takeCode(run.phoneNumber, runId, 'SIGN_UP');
  await asAppClient(client, run.username, (secretHash) =>
    cognitoIn(client.region).send(
      new ConfirmSignUpCommand({ ClientId: run.clientId, Username: run.username, ConfirmationCode: code, SecretHash: secretHash }),
    ),
  );
  const pool = await userPoolFacts(client.region, run.userPoolId);
  if (pool.mfaConfiguration === 'OFF') return { confirmed: true };
  await setSmsMfaPreference(client.region, run.userPoolId, run.username);
  return { confirmed: true, smsMfaTurnedOn: true };
}

export const handler = taskHandler(confirmSignUp);
