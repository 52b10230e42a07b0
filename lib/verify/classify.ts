/**
 * Maps whatever stopped a run to the named failure reasons people alert and act on.
 * A Lambda error's Cause is the runtime's JSON ({errorType, errorMessage, trace}); Step Functions'
 * own errors (States.Timeout) carry plain text.
 */
export const FAILURE_REASONS = [
  'SmsCodeNotReceived',
  'CodeMismatch',
  'ExpiredCode',
  'MfaNotEnforced',
  'UnexpectedChallenge',
  // Cognito refused the app client's SECRET_HASH even after its secret was read again (lib/verify/clientSecret.ts).
  'AppClientSecretChanged',
  // The run's sign-in flow is not among the app client's ExplicitAuthFlows (lib/verify/resolveAuthFlow.ts).
  'AuthFlowNotAllowed',
  // The sms-otp flow on a pool that does not offer SMS_OTP as a first factor (lib/verify/smsOtp.ts).
  'SmsOtpNotOffered',
  // The pool remembers devices and asked DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (lib/verify/signIn.ts).
  'DeviceChallenge',
  // A pre sign-up / pre-authentication / pre-token-generation trigger refused the synthetic user:
  // Cognito's own name, with the trigger's message (it names no secret of ours).
  'UserLambdaValidationException',
  // Phone-number usernames: one user per phone (a standing user that is not ours, or a sign-up check on such a pool).
  'PhoneUsernameTaken',
  'PhoneUsernamePool',
  // A sign-in run could not save its challenge after the SMS went out (not retried: that would send another).
  'SignInSaveFailed',
  'UserStatusUnexpected',
  'TokenInvalid',
  // The tokens could not be refreshed after sign-in (lib/verify/refreshTokens.ts; issue 17, item 7).
  'RefreshFailed',
  'Throttled',
  'PhoneBusy',
  'TargetNotFound',
  // A signup check on a secondary replica, which creates no users (lib/verify/runRequest.ts refuseSignUpOnReplica).
  'SignUpOnReplica',
  // Cognito refused an operation in the Region: a replica not ACTIVE, or an operation a secondary does not serve.
  'ReplicaNotActive',
  // Cognito could not send the SMS with the pool's (or the replica's Regional) SMS configuration: no role, or a role it cannot assume or publish with.
  'SmsConfigurationRefused',
  'ValidationError',
  'Unexpected',
  // Recorded by the stopped-run handler: the execution ran past the machine's TimeoutSeconds
  // (TIMED_OUT), or someone called StopExecution (ABORTED). No Catch sees either.
  'TimedOut',
  'Aborted',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

const BY_ERROR: Record<string, FailureReason> = {
  'States.Timeout': 'SmsCodeNotReceived',
  'States.HeartbeatTimeout': 'SmsCodeNotReceived',
  SmsCodeNotReceived: 'SmsCodeNotReceived',
  CodeMismatchException: 'CodeMismatch',
  ExpiredCodeException: 'ExpiredCode',
  TooManyRequestsException: 'Throttled',
  Throttling: 'Throttled',
  ThrottlingException: 'Throttled',
  LimitExceededException: 'Throttled',
  TooManyFailedAttemptsException: 'Throttled',
  ProvisionedThroughputExceededException: 'Throttled',
  'Lambda.TooManyRequestsException': 'Throttled',
  // "not available in the current region or for the current user pool configuration … secondary replica regions" (Cognito API reference).
  OperationNotEnabledException: 'ReplicaNotActive',
  InvalidSmsRoleAccessPolicyException: 'SmsConfigurationRefused',
  InvalidSmsRoleTrustRelationshipException: 'SmsConfigurationRefused',
};

export interface Failure {
  reason: FailureReason;
  cause: string;
}

export function describeCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: a Step Functions error's plain-text cause.
  }
  return cause;
}

export function classifyFailure(error: string | undefined, cause: string | undefined): Failure {
  const name = error ?? 'Unexpected';
  const message = describeCause(cause);
  if ((FAILURE_REASONS as readonly string[]).includes(name)) return { reason: name as FailureReason, cause: message || name };
  const mapped = BY_ERROR[name];
  if (mapped === 'SmsCodeNotReceived' && name.startsWith('States.')) {
    return { reason: mapped, cause: 'No SMS code reached the callback before the wait timed out' };
  }
  if (mapped) return { reason: mapped, cause: `${name}: ${message}` };
  // Cognito answers an expired or reused auth session with NotAuthorized.
  if (name === 'NotAuthorizedException' && /session/i.test(message)) return { reason: 'ExpiredCode', cause: `${name}: ${message}` };
  return { reason: 'Unexpected', cause: `${name}: ${message}`.slice(0, 1000) };
}
