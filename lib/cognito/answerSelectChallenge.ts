import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';
import { factorProof, type FirstFactor } from './userAuthSignIn';

/**
 * Answers SELECT_CHALLENGE with the chosen first factor: ChallengeResponses ANSWER PASSWORD_SRP with
 * USERNAME and SRP_A (Cognito then asks PASSWORD_VERIFIER), or ANSWER PASSWORD with USERNAME and
 * PASSWORD, or ANSWER SMS_OTP with USERNAME only ("For SMS_OTP and EMAIL_OTP, respond with the
 * username and answer. Your user pool will send a code for the user to submit in the next challenge
 * response"); SECRET_HASH for a client with a secret ("ChallengeResponseType", Cognito API
 * reference, SELECT_CHALLENGE).
 */
export async function answerSelectChallenge(
  client: ClientRef,
  username: string,
  session: string | undefined,
  factor: FirstFactor,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  const proof = factorProof(factor);
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: 'SELECT_CHALLENGE',
      Session: session,
      ChallengeResponses: withSecretHash({ USERNAME: username, ANSWER: factor.challenge, ...proof }, secretHash),
    }),
  );
}
