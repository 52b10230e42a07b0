import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { wrapInitiateAuth, type createSrpSession } from 'cognito-srp-helper';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * USER_SRP_AUTH's first step, as Amplify JS v6 signIn() does by default: AuthParameters USERNAME,
 * SRP_A (the client's public value, added by cognito-srp-helper's wrapInitiateAuth) and
 * SECRET_HASH for a client with a secret (InitiateAuth API reference, AuthParameters USER_SRP_AUTH).
 * Cognito answers with PASSWORD_VERIFIER. The SRP session holds the password and the private value:
 * it never leaves the Lambda.
 */
export async function srpSignIn(
  client: ClientRef,
  srp: ReturnType<typeof createSrpSession>,
  username: string,
  secretHash?: string,
): Promise<InitiateAuthCommandOutput> {
  return cognitoIn(client.region).send(
    new InitiateAuthCommand(
      wrapInitiateAuth(srp, {
        ClientId: client.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: withSecretHash({ USERNAME: username }, secretHash),
      }),
    ),
  );
}
