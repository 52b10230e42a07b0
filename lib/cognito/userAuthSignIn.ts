import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/** The password first factors a check can choose in choice-based sign-in. */
export type PasswordFactor = { challenge: 'PASSWORD_SRP'; srpA: string } | { challenge: 'PASSWORD'; password: string };

/**
 * Choice-based sign-in (USER_AUTH) naming its first factor: AuthParameters USERNAME,
 * PREFERRED_CHALLENGE and what that challenge needs (SRP_A for PASSWORD_SRP, PASSWORD for PASSWORD),
 * SECRET_HASH for a client with a secret. "If you don't provide a value for PREFERRED_CHALLENGE,
 * Amazon Cognito responds with the AvailableChallenges parameter" (InitiateAuth API reference,
 * AuthParameters USER_AUTH); Cognito may also answer SELECT_CHALLENGE (answerSelectChallenge.ts).
 */
export async function userAuthSignIn(
  client: ClientRef,
  username: string,
  factor: PasswordFactor,
  secretHash?: string,
): Promise<InitiateAuthCommandOutput> {
  const proof: Record<string, string> = factor.challenge === 'PASSWORD_SRP' ? { SRP_A: factor.srpA } : { PASSWORD: factor.password };
  return cognitoIn(client.region).send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: 'USER_AUTH',
      AuthParameters: withSecretHash({ USERNAME: username, PREFERRED_CHALLENGE: factor.challenge, ...proof }, secretHash),
    }),
  );
}
