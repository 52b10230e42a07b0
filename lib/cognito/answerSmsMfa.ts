import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';

/** Answers the SMS_MFA challenge of a password sign-in with the code the user received. */
export async function answerSmsMfa(
  clientId: string,
  username: string,
  session: string,
  code: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  return cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'SMS_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: username, SMS_MFA_CODE: code },
    }),
  );
}
