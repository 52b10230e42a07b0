import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/** The password first factors a check can choose in choice-based sign-in. */
export type PasswordFactor = { challenge: 'PASSWORD_SRP'; srpA: string } | { challenge: 'PASSWORD'; password: string };
/** Every first factor a check can choose: a password one, or SMS_OTP (passwordless: the code is the proof, sent later). */
export type FirstFactor = PasswordFactor | { challenge: 'SMS_OTP' };

/** The parameters that come with a chosen first factor: SRP_A, PASSWORD, or none for SMS_OTP. */
export function factorProof(factor: FirstFactor): Record<string, string> {
  if (factor.challenge === 'PASSWORD_SRP') return { SRP_A: factor.srpA };
  if (factor.challenge === 'PASSWORD') return { PASSWORD: factor.password };
  return {};
}

/**
 * Choice-based sign-in (USER_AUTH) naming its first factor: AuthParameters USERNAME,
 * PREFERRED_CHALLENGE and what that challenge needs (SRP_A for PASSWORD_SRP, PASSWORD for PASSWORD,
 * nothing for SMS_OTP: Cognito sends the code and answers with the SMS_OTP challenge), SECRET_HASH
 * for a client with a secret. "If you don't provide a value for PREFERRED_CHALLENGE,
 * Amazon Cognito responds with the AvailableChallenges parameter" (InitiateAuth API reference,
 * AuthParameters USER_AUTH); Cognito may also answer SELECT_CHALLENGE (answerSelectChallenge.ts).
 */
export async function userAuthSignIn(
  client: ClientRef,
  username: string,
  factor: FirstFactor,
  secretHash?: string,
): Promise<InitiateAuthCommandOutput> {
  const proof = factorProof(factor);
  return cognitoIn(client.region).send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: 'USER_AUTH',
      AuthParameters: withSecretHash({ USERNAME: username, PREFERRED_CHALLENGE: factor.challenge, ...proof }, secretHash),
    }),
  );
}
