import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { TokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import type { Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * cognito-local signs access and ID tokens for 24 h when the app client sets no validity;
 * Cognito's defaults are 60 minutes (access, ID) and 30 days (refresh). Without this the token
 * would outlive the `ExpiresIn: 3600` we report.
 */
export function withCognitoTokenValidity(inner: TokenGenerator): TokenGenerator {
  return {
    generate: (ctx, user, groups, client, meta, source) => {
      const units = { ...client.TokenValidityUnits };
      const c: AppClient = { ...client, TokenValidityUnits: units };
      if (c.AccessTokenValidity === undefined) [c.AccessTokenValidity, units.AccessToken] = [60, 'minutes'];
      if (c.IdTokenValidity === undefined) [c.IdTokenValidity, units.IdToken] = [60, 'minutes'];
      if (c.RefreshTokenValidity === undefined) [c.RefreshTokenValidity, units.RefreshToken] = [30, 'days'];
      return inner.generate(ctx, user, groups, c, meta, source);
    },
  };
}

function claimsOf(jwt: string): { exp?: number; iat?: number } {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/**
 * cognito-local's AuthenticationResult lacks `ExpiresIn` and `TokenType` (and REFRESH_TOKEN_AUTH
 * sets them to undefined). ExpiresIn is read from the access token itself, so it always agrees.
 */
function completeResult(out: Json): Json {
  const result = out?.AuthenticationResult;
  if (!result?.AccessToken) return out;
  const { exp, iat } = claimsOf(result.AccessToken);
  const present = Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined));
  return {
    ...out,
    ChallengeParameters: out.ChallengeParameters ?? {},
    AuthenticationResult: {
      ...present,
      ExpiresIn: exp !== undefined && iat !== undefined ? exp - iat : 3600,
      TokenType: 'Bearer',
    },
  };
}

export const tokenResultFix: TargetFix = {
  fix: 'tokenResult',
  targets: ['InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken'],
  wrap: (inner) => async (ctx, req) => completeResult(await inner(ctx, req)),
};

/**
 * cognito-local remembers refresh tokens only when the password alone signs in; tokens issued
 * after an MFA challenge are unknown to REFRESH_TOKEN_AUTH (NotAuthorizedException).
 */
export const refreshAfterMfaFix: TargetFix = {
  fix: 'refreshAfterMfa',
  targets: ['RespondToAuthChallenge'],
  wrap: (inner, env) => async (ctx, req) => {
    const out = await inner(ctx, req);
    const refreshToken = out?.AuthenticationResult?.RefreshToken;
    if (refreshToken) {
      const pool = await poolOf(env, ctx, req);
      const user = await pool.getUserByUsername(ctx, req.ChallengeResponses.USERNAME);
      if (user) await pool.storeRefreshToken(ctx, refreshToken, user);
    }
    return out;
  },
};
