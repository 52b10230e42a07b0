import type { RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIssuer } from '../cognito/issuer';
import { NamedError } from '../errors';
import { verifyTokens, type TokenSummary } from '../tokens/verifyTokens';
import { refreshAndRevoke, type RefreshSummary } from './refreshTokens';
import { runClient } from './runClient';

export interface TokensOutput extends TokenSummary {
  expiresIn?: number;
  tokenType?: string;
  /** The tokens were refreshed, the new ones verified, and the session's refresh token revoked (or why not). */
  refresh: RefreshSummary;
}

/**
 * What an SMS_MFA answer must give, for both kinds of check: tokens, verified right here against
 * the pool's issuer and the app client, then refreshed, verified again and the refresh token
 * revoked (lib/verify/refreshTokens.ts), so only a summary leaves the Lambda (no JWT reaches state
 * or logs). Anything but tokens is an UnexpectedChallenge; no refresh token is a RefreshFailed.
 * `run` is the RUN# item or any part of it with these fields (its Region as lib/verify/runClient.ts
 * reads it).
 */
export async function tokensFromMfaAnswer(
  answer: RespondToAuthChallengeCommandOutput,
  run: { userPoolId: string; clientId: string; region?: string },
): Promise<TokensOutput> {
  const tokens = answer.AuthenticationResult;
  if (!tokens)
    throw new NamedError('UnexpectedChallenge', `MFA answer returned the ${answer.ChallengeName ?? 'no'} challenge instead of tokens`);
  const summary = await verifyTokens({
    issuer: cognitoIssuer(run.userPoolId),
    clientId: run.clientId,
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken,
  });
  if (!tokens.RefreshToken)
    throw new NamedError(
      'RefreshFailed',
      'Cognito issued no refresh token with the tokens, so they cannot be refreshed. See the runbook: RefreshFailed.',
    );
  const refresh = await refreshAndRevoke(runClient(run), summary, tokens.RefreshToken);
  return { ...summary, expiresIn: tokens.ExpiresIn, tokenType: tokens.TokenType, refresh };
}
