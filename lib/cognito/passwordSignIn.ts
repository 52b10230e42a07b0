import { InitiateAuthCommand, type InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { withSecretHash, type ClientRef } from './clientRef';

/**
 * USER_PASSWORD_AUTH, as an app would sign a user in (unauthenticated: no IAM statement needed).
 * AuthParameters USERNAME, PASSWORD and, for a client with a secret, SECRET_HASH (InitiateAuth API
 * reference, AuthParameters).
 */
export async function passwordSignIn(
  client: ClientRef,
  username: string,
  password: string,
  secretHash?: string,
): Promise<InitiateAuthCommandOutput> {
  return cognitoIn(client.region).send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: withSecretHash({ USERNAME: username, PASSWORD: password }, secretHash),
    }),
  );
}
