import { CognitoError } from 'cognito-local/lib/errors';
import { attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import type { FidelityEnv, Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * A user's MFA preference as Cognito keeps it, and the sign-in it leads to.
 *
 * - `AdminSetUserMFAPreference`: cognito-local has no such target ("Unsupported x-amz-target").
 * - `SetUserMFAPreference`: cognito-local stores `UserMFASettingList: ['SMS_MFA']` but no SMS
 *   delivery option, and its sign-in finds the SMS destination only in `MFAOptions`: the next
 *   password sign-in fails with "Cognito Local unsupported feature: SMS_MFA without SMS
 *   MFAOption" (and the smsMfa fix, which adds the option, skips users that have a setting list).
 *
 * What Cognito documents (API reference, SMSMfaSettingsType; developer guide, "SMS and email
 * message MFA"; CreateUserPool, MfaConfiguration):
 * - "Phone numbers don't need to be verified to be used for SMS MFA": a phone_number is enough.
 *   Without one, Cognito answers InvalidParameterException "User does not have delivery config
 *   set to turn on SMS_MFA" (the message Cognito returns; seen in SDK issue threads).
 * - `OPTIONAL`: "Amazon Cognito generates MFA prompts in API responses ... for users who have
 *   chosen and configured a preferred MFA factor"; a user without one gets tokens.
 * - `ON`: "You can't turn off SMS MFA for any of your users when MFA is required in your user
 *   pool; you can only set the type that your user prefers": every user with a phone is
 *   challenged (the smsMfa fix), whatever their preference says.
 * - Only one factor is preferred; preferring one clears the other's preference.
 */

const SMS_OPTION = { DeliveryMedium: 'SMS', AttributeName: 'phone_number' } as const;

interface FactorSetting {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

const noDeliveryConfig = (factor: string) =>
  new CognitoError('InvalidParameterException', `User does not have delivery config set to turn on ${factor}`);

/** The user after applying SMSMfaSettings / SoftwareTokenMfaSettings, or an error Cognito would give. */
export function withMfaPreference(user: User, sms: FactorSetting | undefined, totp: FactorSetting | undefined): User {
  const methods = new Set(user.UserMFASettingList ?? []);
  // Legacy MFAOptions (AdminSetUserSettings) count as SMS MFA until a preference replaces them.
  if (methods.size === 0 && user.MFAOptions?.some((o) => o.DeliveryMedium === 'SMS')) methods.add('SMS_MFA');
  let preferred = user.PreferredMfaSetting;
  if (sms?.Enabled) {
    if (!attributeValue('phone_number', user.Attributes)) throw noDeliveryConfig('SMS_MFA');
    methods.add('SMS_MFA');
  } else if (sms?.Enabled === false) {
    methods.delete('SMS_MFA');
  }
  if (totp?.Enabled) {
    if (!user.SoftwareTokenMfaConfiguration?.Verified) throw noDeliveryConfig('SOFTWARE_TOKEN_MFA');
    methods.add('SOFTWARE_TOKEN_MFA');
  } else if (totp?.Enabled === false) {
    methods.delete('SOFTWARE_TOKEN_MFA');
  }
  if (sms?.PreferredMfa && methods.has('SMS_MFA')) preferred = 'SMS_MFA';
  else if (totp?.PreferredMfa && methods.has('SOFTWARE_TOKEN_MFA')) preferred = 'SOFTWARE_TOKEN_MFA';
  if (preferred && !methods.has(preferred)) preferred = undefined;
  const list = [...methods];
  return {
    ...user,
    UserMFASettingList: list,
    PreferredMfaSetting: preferred,
    // cognito-local's challenge reads the destination from MFAOptions only.
    MFAOptions: methods.has('SMS_MFA') ? [SMS_OPTION] : undefined,
  };
}

/**
 * A user whose setting list names SMS_MFA but who lacks the SMS option cognito-local's challenge
 * needs (stored by cognito-local's own SetUserMFAPreference, or with this fix off) gets it.
 */
async function ensureSmsDelivery(ctx: OutboxContext, pool: UserPoolService, username: unknown): Promise<void> {
  if (typeof username !== 'string' || pool.options.MfaConfiguration === 'OFF') return;
  const user = await pool.getUserByUsername(ctx, username);
  if (!user?.UserMFASettingList?.includes('SMS_MFA') || user.MFAOptions?.some((o) => o.DeliveryMedium === 'SMS')) return;
  if (!attributeValue('phone_number', user.Attributes)) return;
  await pool.saveUser(ctx, { ...user, MFAOptions: [SMS_OPTION] });
}

// The payload only: cognito-local's own targets trust the token as much (no signature check).
function claimsOf(token: string): { client_id?: string; sub?: string } | null {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

async function userFromAccessToken(env: FidelityEnv, ctx: OutboxContext, token: unknown): Promise<{ pool: UserPoolService; user: User }> {
  const claims = typeof token === 'string' ? claimsOf(token) : null;
  if (!claims?.client_id || !claims.sub) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  const pool = await env.services.cognito.getUserPoolForClientId(ctx, claims.client_id);
  const user = await pool.getUserByUsername(ctx, claims.sub);
  if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  return { pool, user };
}

async function setPreference(ctx: OutboxContext, pool: UserPoolService, user: User, req: Json): Promise<Json> {
  const updated = withMfaPreference(user, req?.SMSMfaSettings, req?.SoftwareTokenMfaSettings);
  await pool.saveUser(ctx, { ...updated, UserLastModifiedDate: new Date() });
  return {};
}

export const mfaPreferenceFix: TargetFix = {
  fix: 'mfaPreference',
  targets: ['AdminSetUserMFAPreference', 'SetUserMFAPreference', 'InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target === 'AdminSetUserMFAPreference') {
      const pool = await env.services.cognito.getUserPool(ctx, req?.UserPoolId);
      const user = typeof req?.Username === 'string' ? await pool.getUserByUsername(ctx, req.Username) : null;
      if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
      return setPreference(ctx, pool, user, req);
    }
    if (target === 'SetUserMFAPreference') {
      const { pool, user } = await userFromAccessToken(env, ctx, req?.AccessToken);
      return setPreference(ctx, pool, user, req);
    }
    if (req?.AuthParameters?.USERNAME) await ensureSmsDelivery(ctx, await poolOf(env, ctx, req), req.AuthParameters.USERNAME);
    return inner(ctx, req);
  },
};
