import { GetTokensFromRefreshTokenCommand, type AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { clientSecretParameter } from './appClient';

/**
 * New ID, access and (with refresh token rotation) refresh tokens with GetTokensFromRefreshToken,
 * the only refresh a client with RefreshTokenRotation ENABLED accepts. It takes the client secret
 * itself (ClientSecret, "if the client has a secret"), not a SECRET_HASH. The submitted token stays
 * valid for the client's RetryGracePeriodSeconds (0 to 60) after rotation, then is invalidated
 * (GetTokensFromRefreshToken and RefreshTokenRotationType, Amazon Cognito User Pools API Reference).
 * Unauthenticated: no IAM statement.
 */
export async function getTokensFromRefreshToken(
  client: { region: string; userPoolId: string; clientId: string },
  refreshToken: string,
): Promise<AuthenticationResultType | undefined> {
  const out = await cognitoIn(client.region).send(
    new GetTokensFromRefreshTokenCommand({
      RefreshToken: refreshToken,
      ClientId: client.clientId,
      ...(await clientSecretParameter(client.region, client.userPoolId, client.clientId)),
    }),
  );
  return out.AuthenticationResult;
}
