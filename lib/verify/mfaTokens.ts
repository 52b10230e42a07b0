import type { RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIssuer } from '../cognito/issuer';
import { NamedError } from '../errors';
import { verifyTokens, type TokenSummary } from '../tokens/verifyTokens';

export interface TokensOutput extends TokenSummary {
  expiresIn?: number;
  tokenType?: string;
}

/**
 * What an SMS_MFA answer must give, for both kinds of check: tokens, verified right here against
 * the pool's issuer and the app client, so only a summary leaves the Lambda (no JWT reaches state
 * or logs). Anything but tokens is an UnexpectedChallenge.
 */
export async function tokensFromMfaAnswer(
  answer: RespondToAuthChallengeCommandOutput,
  run: { userPoolId: string; clientId: string },
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
  return { ...summary, expiresIn: tokens.ExpiresIn, tokenType: tokens.TokenType };
}
