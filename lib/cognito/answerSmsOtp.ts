import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * Answers passwordless sign-in's SMS_OTP challenge with the code the user received:
 * ChallengeResponses USERNAME and SMS_OTP_CODE, and SECRET_HASH for a client with a secret
 * ("ChallengeResponseType", Cognito API reference: `"ChallengeName": "SMS_OTP", "ChallengeResponses":
 * {"SMS_OTP_CODE": "[code]", "USERNAME": "[username]"}`). `username`: the name the challenge knows
 * the user by (USER_ID_FOR_SRP), the same one the SECRET_HASH is computed over.
 */
export async function answerSmsOtp(
  client: ClientRef,
  username: string,
  session: string,
  code: string,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: 'SMS_OTP',
      Session: session,
      ChallengeResponses: withSecretHash({ USERNAME: username, SMS_OTP_CODE: code }, secretHash),
    }),
  );
}
