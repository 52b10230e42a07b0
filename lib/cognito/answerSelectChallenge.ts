import { RespondToAuthChallengeCommand, type RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';
import type { PasswordFactor } from './userAuthSignIn';

/**
 * Answers SELECT_CHALLENGE with a password first factor: ChallengeResponses ANSWER PASSWORD_SRP with
 * USERNAME and SRP_A (Cognito then asks PASSWORD_VERIFIER), or ANSWER PASSWORD with USERNAME and
 * PASSWORD; SECRET_HASH for a client with a secret ("ChallengeResponseType", Cognito API reference,
 * SELECT_CHALLENGE).
 */
export async function answerSelectChallenge(
  client: ClientRef,
  username: string,
  session: string | undefined,
  factor: PasswordFactor,
  secretHash?: string,
): Promise<RespondToAuthChallengeCommandOutput> {
  const proof: Record<string, string> = factor.challenge === 'PASSWORD_SRP' ? { SRP_A: factor.srpA } : { PASSWORD: factor.password };
  return cognitoIn(client.region).send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: 'SELECT_CHALLENGE',
      Session: session,
      ChallengeResponses: withSecretHash({ USERNAME: username, ANSWER: factor.challenge, ...proof }, secretHash),
    }),
  );
}
