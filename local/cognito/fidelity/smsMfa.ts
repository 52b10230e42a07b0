import { selectAppropriateDeliveryMethod } from 'cognito-local/lib/services/messageDelivery/deliveryMethod';
import { attribute, attributesAppend, attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { Context } from 'cognito-local/lib/services/context';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { TargetFix } from './types';
import { poolOf } from './types';

/**
 * In a pool with `MfaConfiguration: ON`, Cognito challenges every user who has a phone number
 * with SMS_MFA. cognito-local only does so for users whose `MFAOptions` name SMS; without them
 * it answers NotAuthorizedException. Cognito lists SMS MFAOptions for such users anyway, so we
 * set them when the user is confirmed, and again before sign-in for users made another way
 * (AdminCreateUser).
 */
export async function ensureSmsMfaOption(ctx: Context, pool: UserPoolService, username: unknown): Promise<void> {
  if (pool.options.MfaConfiguration !== 'ON' || typeof username !== 'string') return;
  const user = await pool.getUserByUsername(ctx, username);
  if (!user || user.MFAOptions?.length || user.UserMFASettingList?.length) return;
  if (!attributeValue('phone_number', user.Attributes)) return;
  await pool.saveUser(ctx, { ...user, MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] });
}

export const smsMfaFix: TargetFix = {
  fix: 'smsMfa',
  targets: ['ConfirmSignUp', 'AdminConfirmSignUp', 'InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target.endsWith('InitiateAuth')) {
      if (req?.AuthParameters?.USERNAME) await ensureSmsMfaOption(ctx, await poolOf(env, ctx, req), req.AuthParameters.USERNAME);
      return inner(ctx, req);
    }
    const out = await inner(ctx, req);
    await ensureSmsMfaOption(ctx, await poolOf(env, ctx, req), req.Username);
    return out;
  },
};

/**
 * ConfirmSignUp proves the user received the code, so Cognito marks the attribute it was sent
 * to (phone_number, when the pool auto-verifies it) as verified. cognito-local only flips the
 * status to CONFIRMED and leaves `phone_number_verified` unset.
 */
export const verifyOnConfirmFix: TargetFix = {
  fix: 'verifyOnConfirm',
  targets: ['ConfirmSignUp'],
  wrap: (inner, env) => async (ctx, req) => {
    const out = await inner(ctx, req);
    const pool = await poolOf(env, ctx, req);
    const user = await pool.getUserByUsername(ctx, req.Username);
    const sentTo = user && selectAppropriateDeliveryMethod(pool.options.AutoVerifiedAttributes ?? [], user);
    if (user && sentTo) {
      const verified = attribute(`${sentTo.AttributeName}_verified`, 'true');
      await pool.saveUser(ctx, { ...user, Attributes: attributesAppend(user.Attributes, verified) });
    }
    return out;
  },
};
