import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/** The SMS challenges a check answers with a delivered code, and the response key each takes. */
const CODE_KEY = { SMS_MFA: 'SMS_MFA_CODE', SMS_OTP: 'SMS_OTP_CODE' } as const;
export type SmsChallenge = keyof typeof CODE_KEY;

/**
 * Answers an SMS challenge with the code the user received: SMS_MFA (the second factor) or SMS_OTP
 * (passwordless sign-in's only factor). ChallengeResponses USERNAME and SMS_MFA_CODE or
 * SMS_OTP_CODE and, for a client with a secret, SECRET_HASH ("ChallengeResponseType", Cognito API
 * reference: `"ChallengeName": "SMS_OTP", "ChallengeResponses": {"SMS_OTP_CODE": "[code]",
 * "USERNAME": "[username]"}`). `username`: the name the challenge knows the user by
 * (USER_ID_FOR_SRP on pools whose users sign in with an email or phone), the same one the
 * SECRET_HASH is computed over.
 */
export async function answerSmsChallenge(
  challenge: SmsChallenge,
  client: ClientRef,
  username: string,
  session: string,
  code: string,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: challenge,
      Session: session,
      ChallengeResponses: withSecretHash({ USERNAME: username, [CODE_KEY[challenge]]: code }, secretHash),
    }),
  );
}
