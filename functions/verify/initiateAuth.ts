import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { maskPhone } from '../../lib/phone';
import { saveAuthSession } from '../../lib/runs/authSession';
import { getRun } from '../../lib/runs/getRun';
import { registerWait } from '../../lib/runs/registerWait';
import { asObject, requiredString } from '../../lib/validate';
import { syntheticPassword } from '../../lib/verify/password';
import { RUN_ID } from '../../lib/verify/runId';

/**
 * Password login must be answered with an SMS_MFA challenge: tokens straight away mean MFA is
 * not enforced, any other challenge means the pool is not configured as provisioned.
 */
export async function initiateAuth(event: unknown): Promise<{ challenge: 'SMS_MFA'; destination: string }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  await registerWait(run.phoneNumber, runId, 'MFA', run.timeouts.mfaCodeSeconds);
  const result = await cognito().send(
    new InitiateAuthCommand({
      ClientId: run.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: run.username, PASSWORD: await syntheticPassword(runId) },
    }),
  );
  if (result.AuthenticationResult) {
    throw new NamedError('MfaNotEnforced', 'Password login returned tokens without an SMS_MFA challenge: MFA is not enforced on this pool');
  }
  if (result.ChallengeName !== 'SMS_MFA') {
    throw new NamedError('UnexpectedChallenge', `Password login returned the ${result.ChallengeName ?? 'no'} challenge, expected SMS_MFA`);
  }
  if (!result.Session) throw new NamedError('UnexpectedChallenge', 'The SMS_MFA challenge came without a Session');
  await saveAuthSession(runId, result.Session);
  return { challenge: 'SMS_MFA', destination: maskPhone(run.phoneNumber) };
}

export const handler = taskHandler(initiateAuth);
