import { attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import type { FidelityEnv, Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * Cognito's documentation ("Adding MFA to a user pool"): "The first time that a new user signs in
 * to your app, Amazon Cognito issues OAuth 2.0 tokens, even if your user pool requires MFA. The
 * second authentication factor when your user signs in for the first time is their confirmation of
 * the verification message that Amazon Cognito sends to them." Every sign-in after that first one
 * is challenged.
 *
 * Off by default (the seed's transcript shows SMS_MFA on the first sign-in, and that is what
 * cognito-local does); `startLocalCognito({ firstSignInWithoutMfa: true })` or
 * `npm start -- --first-sign-in-without-mfa` switches it on: a user confirmed with ConfirmSignUp
 * (the code of the verification message) in a pool with `MfaConfiguration: ON` gets tokens on
 * their next USER_PASSWORD_AUTH sign-in, without a challenge and without an SMS; later sign-ins are
 * challenged as before. A wrong password does not use the first sign-in up.
 */
export class FirstSignIns {
  /** `<pool id>/<sub>` of users confirmed by a verification code who have not signed in since. */
  private readonly pending = new Set<string>();

  mark(poolId: string, sub: string): void {
    this.pending.add(`${poolId}/${sub}`);
  }

  /** True once per marked user: their first sign-in. */
  take(poolId: string, sub: string): boolean {
    return this.pending.delete(`${poolId}/${sub}`);
  }

  has(poolId: string, sub: string): boolean {
    return this.pending.has(`${poolId}/${sub}`);
  }
}

async function userOf(env: FidelityEnv, ctx: OutboxContext, req: Json, username: unknown) {
  const pool = await poolOf(env, ctx, req);
  const user = typeof username === 'string' ? await pool.getUserByUsername(ctx, username) : null;
  const sub = user && attributeValue('sub', user.Attributes);
  return { pool, user, sub };
}

export const firstSignInWithoutMfaFix: TargetFix = {
  fix: 'firstSignInWithoutMfa',
  targets: ['ConfirmSignUp', 'InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env, target) => async (ctx, req) => {
    const firstSignIns = env.firstSignIns;
    if (!firstSignIns) return inner(ctx, req);
    if (target === 'ConfirmSignUp') {
      const out = await inner(ctx, req);
      const { pool, sub } = await userOf(env, ctx, req, req.Username);
      if (sub && pool.options.MfaConfiguration === 'ON') firstSignIns.mark(pool.options.Id, sub);
      return out;
    }
    const params = req?.AuthParameters ?? {};
    const { pool, user, sub } = await userOf(env, ctx, req, params.USERNAME);
    if (!user || !sub || !firstSignIns.has(pool.options.Id, sub)) return inner(ctx, req);
    // cognito-local's AdminInitiateAuth never challenges: its sign-in just uses the first one up.
    const passwordFlow = target === 'InitiateAuth' && req.AuthFlow === 'USER_PASSWORD_AUTH';
    const signsIn = user.UserStatus === 'CONFIRMED' && user.Enabled !== false && params.PASSWORD === user.Password;
    if (!passwordFlow || !signsIn) {
      const out = await inner(ctx, req);
      if (out?.AuthenticationResult || out?.ChallengeName) firstSignIns.take(pool.options.Id, sub);
      return out;
    }
    firstSignIns.take(pool.options.Id, sub);
    // What cognito-local does when a password alone signs in (no MFA): tokens, refresh token kept.
    const client = await env.services.cognito.getAppClient(ctx, req.ClientId);
    if (!client) return inner(ctx, req);
    const groups = await pool.listUserGroupMembership(ctx, user);
    const tokens = await env.services.tokenGenerator.generate(ctx, user, groups, client, undefined, 'Authentication');
    await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
    return { ChallengeParameters: {}, AuthenticationResult: tokens };
  },
};
