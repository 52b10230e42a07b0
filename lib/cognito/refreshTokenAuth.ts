import { InitiateAuthCommand, type AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { secretHashFor } from './appClient';

/**
 * New ID and access tokens from a refresh token with InitiateAuth REFRESH_TOKEN_AUTH, as an app
 * does when its tokens expire. Unauthenticated: Cognito evaluates no IAM policy for InitiateAuth,
 * so no IAM statement is needed (InitiateAuth, Amazon Cognito User Pools API Reference).
 *
 * AuthParameters are REFRESH_TOKEN and, for a client with a secret, SECRET_HASH; the API reference
 * lists no USERNAME for this flow. The hash is over the name Cognito itself knows the user by (the
 * access token's `username` claim, a UUID on pools whose users sign in with an email or phone
 * number), not the alias typed at sign-in: hashing the alias is the known cause of "Unable to
 * verify secret hash" on refresh (aws/aws-sdk-net-extensions-cognito#122, aws-amplify/amplify-android#3111).
 * Cognito refuses REFRESH_TOKEN_AUTH for clients that rotate refresh tokens (RefreshTokenRotationType,
 * API Reference): those go through GetTokensFromRefreshToken.
 */
export async function refreshTokenAuth(
  client: { region: string; userPoolId: string; clientId: string },
  refreshToken: string,
  cognitoUsername: string,
): Promise<AuthenticationResultType | undefined> {
  const secretHash = await secretHashFor(client.region, client.userPoolId, client.clientId, cognitoUsername);
  const out = await cognitoIn(client.region).send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken, ...(secretHash !== undefined && { SECRET_HASH: secretHash }) },
    }),
  );
  return out.AuthenticationResult;
}
