import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * Answers the SMS_MFA challenge with the code the user received: ChallengeResponses USERNAME,
 * SMS_MFA_CODE and, for a client with a secret, SECRET_HASH ("ChallengeResponseType", Cognito API
 * reference). `username`: the name the challenge knows the user by (USER_ID_FOR_SRP on pools whose
 * users sign in with an email or phone), the same one the SECRET_HASH is computed over.
 */
export async function answerSmsMfa(
  client: ClientRef,
  username: string,
  session: string,
  code: string,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: 'SMS_MFA',
      Session: session,
      ChallengeResponses: withSecretHash({ USERNAME: username, SMS_MFA_CODE: code }, secretHash),
    }),
  );
}
