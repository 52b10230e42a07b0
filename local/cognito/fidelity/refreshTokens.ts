import { CognitoError } from 'cognito-local/lib/errors';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { OutboxContext } from '../fakePhone';
import { REFRESH_FLOWS } from './appClient';
import type { AddedTarget, FidelityEnv, Json, TargetFix } from './types';

/**
 * GetTokensFromRefreshToken and refresh-token rotation, which cognito-local lacks (the target is
 * unknown to it, and it drops the client's RefreshTokenRotation). From Cognito's API reference
 * (GetTokensFromRefreshToken, RefreshTokenRotationType) and the developer guide's "Refresh
 * tokens": without rotation it issues new ID and access tokens; with rotation ENABLED also a new
 * refresh token, and the submitted one stops working after RetryGracePeriodSeconds (0: at once).
 * "Refresh token rotation must be completed with GetTokensFromRefreshToken": a rotating client
 * cannot refresh with REFRESH_TOKEN_AUTH.
 */
interface Rotation {
  Feature?: 'ENABLED' | 'DISABLED';
  RetryGracePeriodSeconds?: number;
}
type RotatingClient = AppClient & { RefreshTokenRotation?: Rotation };

const rotates = (client: RotatingClient | null) => client?.RefreshTokenRotation?.Feature === 'ENABLED';

// Per local cloud: refresh tokens rotated out, and when their grace period ends.
const graces = new WeakMap<object, Map<string, number>>();
function gracesOf(env: FidelityEnv): Map<string, number> {
  let m = graces.get(env.services);
  if (!m) graces.set(env.services, (m = new Map()));
  return m;
}

const invalidToken = () => new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');

async function getTokens(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<Json> {
  const { cognito, tokenGenerator } = env.services;
  const client = (await cognito.getAppClient(ctx, req?.ClientId)) as RotatingClient | null;
  if (!client) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
  if (typeof req.RefreshToken !== 'string' || req.RefreshToken === '')
    throw new CognitoError('InvalidParameterException', 'Missing required parameter RefreshToken');
  const pool = await cognito.getUserPoolForClientId(ctx, client.ClientId);
  const token: string = req.RefreshToken;
  const grace = gracesOf(env);
  const graceEnds = grace.get(token);
  const user = await pool.getUserByRefreshToken(ctx, token);
  if (!user) throw invalidToken();
  if (graceEnds !== undefined && graceEnds <= Date.now()) {
    grace.delete(token);
    await pool.saveUser(ctx, { ...user, RefreshTokens: user.RefreshTokens.filter((t) => t !== token) });
    throw invalidToken();
  }
  if (user.Enabled === false) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
  const groups = await pool.listUserGroupMembership(ctx, user);
  const tokens = await tokenGenerator.generate(ctx, user, groups, client, req.ClientMetadata, 'RefreshTokens');
  if (!rotates(client)) return { AuthenticationResult: { AccessToken: tokens.AccessToken, IdToken: tokens.IdToken } };
  const seconds = client.RefreshTokenRotation?.RetryGracePeriodSeconds ?? 0;
  const kept = seconds > 0 && graceEnds === undefined ? user.RefreshTokens : user.RefreshTokens.filter((t) => t !== token);
  if (seconds > 0 && graceEnds === undefined) grace.set(token, Date.now() + seconds * 1000);
  await pool.saveUser(ctx, { ...user, RefreshTokens: [...kept, tokens.RefreshToken] });
  return { AuthenticationResult: { AccessToken: tokens.AccessToken, IdToken: tokens.IdToken, RefreshToken: tokens.RefreshToken } };
}

export const getTokensFromRefreshToken: AddedTarget = {
  fix: 'getTokensFromRefreshToken',
  target: 'GetTokensFromRefreshToken',
  route: (env) => (ctx, req) => getTokens(env, ctx, req ?? {}),
};

/** Keeps RefreshTokenRotation on the client (cognito-local drops it) and refuses REFRESH_TOKEN_AUTH for a rotating one. */
export const refreshTokenRotationFix: TargetFix = {
  fix: 'getTokensFromRefreshToken',
  targets: ['CreateUserPoolClient', 'UpdateUserPoolClient', 'DescribeUserPoolClient', 'InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env, target) => async (ctx, req) => {
    const { cognito } = env.services;
    if (target.endsWith('InitiateAuth')) {
      if (REFRESH_FLOWS.has(String(req?.AuthFlow)) && rotates((await cognito.getAppClient(ctx, req?.ClientId)) as RotatingClient | null)) {
        throw new CognitoError(
          'NotAuthorizedException',
          'Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.',
        );
      }
      return inner(ctx, req);
    }
    const out = await inner(ctx, req);
    const id = out?.UserPoolClient?.ClientId ?? req?.ClientId;
    const client = (await cognito.getAppClient(ctx, id)) as RotatingClient | null;
    if (!client) return out;
    if (target !== 'DescribeUserPoolClient' && req?.RefreshTokenRotation) {
      client.RefreshTokenRotation = req.RefreshTokenRotation;
      await (await cognito.getUserPool(ctx, client.UserPoolId)).saveAppClient(ctx, client);
    }
    if (out?.UserPoolClient)
      out.UserPoolClient.RefreshTokenRotation = client.RefreshTokenRotation ?? { Feature: 'DISABLED', RetryGracePeriodSeconds: 0 };
    return out;
  },
};
