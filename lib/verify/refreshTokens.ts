import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { appClient } from '../cognito/appClient';
import { getTokensFromRefreshToken } from '../cognito/getTokensFromRefreshToken';
import { cognitoIssuer } from '../cognito/issuer';
import { refreshTokenAuth } from '../cognito/refreshTokenAuth';
import { revokeToken } from '../cognito/revokeToken';
import { awsErrorName, NamedError } from '../errors';
import { logger } from '../logger';
import { verifyTokens, type TokenSummary } from '../tokens/verifyTokens';

export type RefreshFlow = 'REFRESH_TOKEN_AUTH' | 'GetTokensFromRefreshToken';

/** What became of the refresh after a check's sign-in: no token, only what was done. */
export interface RefreshSummary {
  flow: RefreshFlow;
  /** The refreshed ID and access tokens passed the same verification as the first ones. */
  verified: true;
  /** The client rotates refresh tokens and GetTokensFromRefreshToken issued a new one. */
  rotated: boolean;
  /** The session's refresh token was revoked; false when Cognito refused (a passing check stays passing). */
  revoked: boolean;
  /** Why it was not: the AWS error name RevokeToken answered. */
  notRevokedBecause?: string;
}

const HINTS: Readonly<Record<string, string>> = {
  NotAuthorizedException:
    'Cognito refused the refresh token it had just issued: a wrong SECRET_HASH, the token revoked, or a client without ALLOW_REFRESH_TOKEN_AUTH',
  InvalidParameterException:
    'the app client may not allow ALLOW_REFRESH_TOKEN_AUTH, or refuses REFRESH_TOKEN_AUTH because it rotates refresh tokens',
  RefreshTokenReuseException: 'the refresh token was already rotated out (GetTokensFromRefreshToken)',
  UserLambdaValidationException: "the pool's pre token generation trigger refused the refresh",
};

/**
 * A broken refresh: the check fails, naming the flow and the AWS error (never a token). A user's
 * trigger message is kept, since it is the only account of why (issue 17, bad input and faults).
 */
export class RefreshFailed extends NamedError {
  readonly awsErrorName: string;
  constructor(flow: RefreshFlow, errorName: string, detail?: string) {
    const hint = HINTS[errorName];
    super(
      'RefreshFailed',
      `Refreshing the tokens with ${flow} failed: ${errorName}${hint ? ` (${hint})` : ''}${detail ? `: ${detail}` : ''}. See the runbook: RefreshFailed.`,
    );
    this.awsErrorName = errorName;
  }
}

async function refreshWith(
  flow: RefreshFlow,
  client: { region: string; userPoolId: string; clientId: string },
  refreshToken: string,
  cognitoUsername: string,
): Promise<AuthenticationResultType> {
  let result: AuthenticationResultType | undefined;
  try {
    result =
      flow === 'GetTokensFromRefreshToken'
        ? await getTokensFromRefreshToken(client, refreshToken)
        : await refreshTokenAuth(client, refreshToken, cognitoUsername);
  } catch (error) {
    const name = awsErrorName(error) ?? 'Error';
    throw new RefreshFailed(flow, name, name === 'UserLambdaValidationException' ? (error as Error).message : undefined);
  }
  if (!result?.IdToken || !result.AccessToken)
    throw new RefreshFailed(flow, 'NoTokens', 'Cognito answered without an IdToken and AccessToken');
  return result;
}

/**
 * After a check's sign-in: refreshes the tokens the way the app client allows (REFRESH_TOKEN_AUTH,
 * or GetTokensFromRefreshToken when it rotates refresh tokens), verifies the new ones as the first
 * were and that they name the same user, then revokes the live refresh token so synthetic sessions
 * do not pile up. Returns only a summary.
 */
export async function refreshAndRevoke(
  client: { region: string; userPoolId: string; clientId: string },
  first: TokenSummary,
  refreshToken: string,
): Promise<RefreshSummary> {
  const { refreshTokenRotation } = await appClient(client.region, client.userPoolId, client.clientId);
  const flow: RefreshFlow = refreshTokenRotation ? 'GetTokensFromRefreshToken' : 'REFRESH_TOKEN_AUTH';
  const cognitoUsername = first.username ?? first.sub;
  const fresh = await refreshWith(flow, client, refreshToken, cognitoUsername);
  const summary = await verifyTokens({
    issuer: cognitoIssuer(client.userPoolId),
    clientId: client.clientId,
    idToken: fresh.IdToken,
    accessToken: fresh.AccessToken,
    refreshToken: fresh.RefreshToken,
  });
  if (summary.sub !== first.sub) throw new NamedError('TokenInvalid', 'The refreshed tokens name another user than the sign-in');

  // With rotation the submitted token dies after the grace period anyway; the new one is the live session.
  const live = fresh.RefreshToken ?? refreshToken;
  const rotated = fresh.RefreshToken !== undefined && fresh.RefreshToken !== refreshToken;
  try {
    await revokeToken(client, live);
    return { flow, verified: true, rotated, revoked: true };
  } catch (error) {
    const name = awsErrorName(error) ?? 'Error';
    logger.warn('could not revoke the refresh token; the check still passes', { flow, errorName: name });
    return { flow, verified: true, rotated, revoked: false, notRevokedBecause: name };
  }
}
