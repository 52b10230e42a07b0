import { RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { clientSecretParameter } from './appClient';

/**
 * Revokes a refresh token and the access tokens issued with it (RevokeToken: Token, ClientId, and
 * ClientSecret "if the client has a secret"), so a check's synthetic session ends with the check.
 * Works only on a client with token revocation enabled, the default for clients created since
 * 2021 ("Revoking tokens", Amazon Cognito Developer Guide); otherwise Cognito answers
 * UnsupportedOperationException ("an operation that is not enabled for the user pool client").
 * Unauthenticated: Cognito evaluates no IAM policy for RevokeToken (API Reference), no IAM statement.
 */
export async function revokeToken(client: { region: string; userPoolId: string; clientId: string }, refreshToken: string): Promise<void> {
  await cognitoIn(client.region).send(
    new RevokeTokenCommand({
      Token: refreshToken,
      ClientId: client.clientId,
      ...(await clientSecretParameter(client.region, client.userPoolId, client.clientId)),
    }),
  );
}
