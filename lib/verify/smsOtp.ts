import { NamedError } from '../errors';

/**
 * Why a pool cannot offer passwordless SMS sign-in, from DescribeUserPool, or undefined when it
 * can: SMS_OTP must be one of `Policies.SignInPolicy.AllowedFirstAuthFactors` (SignInPolicyType,
 * Cognito API reference), which "to activate, your user pool must be in the Essentials tier or
 * higher" (UserPoolTier: not LITE). A pool that names no tier is on Essentials, Cognito's default.
 */
export function smsOtpUnavailable(pool: { allowedFirstAuthFactors?: readonly string[]; tier?: string }): string | undefined {
  if (pool.tier === 'LITE') return 'the pool is on the Lite feature plan (UserPoolTier LITE), which has no passwordless sign-in';
  const factors = pool.allowedFirstAuthFactors;
  if (!factors?.includes('SMS_OTP')) {
    return `the pool's Policies.SignInPolicy.AllowedFirstAuthFactors ${factors?.length ? `are ${factors.join(', ')}` : 'are not set (PASSWORD only)'}, without SMS_OTP`;
  }
  return undefined;
}

/**
 * SmsOtpNotOffered: the sms-otp check cannot sign in because Cognito does not (or would not) offer
 * SMS_OTP as a first factor. Names the settings to change; no secret, no phone number.
 */
export function smsOtpNotOffered(userPoolId: string, why: string): NamedError {
  return new NamedError(
    'SmsOtpNotOffered',
    `Passwordless SMS sign-in (sms-otp) is not available on pool ${userPoolId}: ${why}. Add SMS_OTP to ` +
      'Policies.SignInPolicy.AllowedFirstAuthFactors (aws cognito-idp update-user-pool --policies ' +
      "'SignInPolicy={AllowedFirstAuthFactors=[PASSWORD,SMS_OTP]}'; on a Lite pool also --user-pool-tier ESSENTIALS), " +
      'or choose a password flow (authFlow / --auth-flow)',
  );
}
