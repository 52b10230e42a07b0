import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * USER_SRP_AUTH's first step, as Amplify JS v6 signIn() does by default: AuthParameters USERNAME,
 * SRP_A (the client's public value, from cognito-srp-helper's SRP session) and
 * SECRET_HASH for a client with a secret (InitiateAuth API reference, AuthParameters USER_SRP_AUTH).
 * Cognito answers with PASSWORD_VERIFIER. SRP_A is public; the SRP session
 * that holds the password and the private value never leaves lib/verify/signIn.ts.
 */
export async function srpSignIn(
  client: ClientRef,
  srpA: string,
  username: string,
  secretHash?: string,
): Promise<InitiateAuthCommandOutput> {
  return cognitoIn(client.region).send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: withSecretHash({ USERNAME: username, SRP_A: srpA }, secretHash),
    }),
  );
}
