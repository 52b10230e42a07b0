import type { ClientRef } from '../cognito/clientRef';
import { userPoolFacts } from '../cognito/userPoolFacts';
import type { AuthFlow } from './authFlow';
import { resolveAuthFlow } from './resolveAuthFlow';
import { smsOtpNotOffered, smsOtpUnavailable } from './smsOtp';
import { signInNameFor, usernameShape, type UsernameShape } from './username';

/** How a run signs its synthetic user in, decided from the pool and the app client before any user is touched. */
export interface CheckPlan {
  flow: AuthFlow;
  shape: UsernameShape;
  /** MFA OPTIONAL: the check's users get SMS MFA turned on and preferred (AdminSetUserMFAPreference). */
  mfaOptional: boolean;
  /**
   * MFA not OFF: the check's users get SMS MFA preferred, so a pool that also offers e-mail MFA or
   * TOTP challenges them with SMS_MFA, not SELECT_MFA_TYPE.
   */
  smsMfaPreferred: boolean;
  /** The name the user signs up and signs in with, in the shape the pool accepts. */
  signInName: string;
}

/**
 * Reads the pool (DescribeUserPool) and the app client (DescribeUserPoolClient), both cached per
 * container: the flow (refused with AuthFlowNotAllowed when the client does not allow it), how the
 * pool names users, and whether its MFA is optional. The sms-otp flow on a pool that cannot offer
 * SMS_OTP fails SmsOtpNotOffered here, before any user is made or any SMS sent.
 */
export async function planCheck(
  client: ClientRef,
  requested: AuthFlow | undefined,
  syntheticName: string,
  phone: string,
): Promise<CheckPlan> {
  const flow = await resolveAuthFlow(client, requested);
  const pool = await userPoolFacts(client.region, client.userPoolId);
  const unavailable = flow === 'sms-otp' ? smsOtpUnavailable(pool) : undefined;
  if (unavailable) throw smsOtpNotOffered(client.userPoolId, unavailable);
  const shape = usernameShape(pool.usernameAttributes);
  return {
    flow,
    shape,
    mfaOptional: pool.mfaConfiguration === 'OPTIONAL',
    smsMfaPreferred: pool.mfaConfiguration !== 'OFF',
    signInName: signInNameFor(shape, syntheticName, phone),
  };
}
