import { CognitoError } from 'cognito-local/lib/errors';
import { REFRESH_FLOWS } from './appClient';
import type { TargetFix } from './types';
import { poolOf } from './types';

/**
 * cognito-local stores AdminDisableUser's `Enabled: false` but never reads it: a disabled user
 * signs in (and is sent an MFA code) as before. Cognito refuses them with NotAuthorizedException
 * "User is disabled.", before looking at the password, and no longer refreshes their tokens.
 * Checked before cognito-local runs so that no SMS goes out.
 */
export const disabledUsersFix: TargetFix = {
  fix: 'disabledUsers',
  targets: ['InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env) => async (ctx, req) => {
    const params = req?.AuthParameters ?? {};
    const refresh = REFRESH_FLOWS.has(String(req?.AuthFlow));
    const key = refresh ? params.REFRESH_TOKEN : params.USERNAME;
    if (typeof key === 'string' && key !== '') {
      const pool = await poolOf(env, ctx, req);
      const user = refresh ? await pool.getUserByRefreshToken(ctx, key) : await pool.getUserByUsername(ctx, key);
      if (user?.Enabled === false) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    }
    return inner(ctx, req);
  },
};
