import type { CodeRoute } from '../sms/report';
import { CODE_ROUTE_NAMES } from './codeRoute';

/**
 * Maps whatever stopped a run to the named failure reasons people alert and act on.
 * A Lambda error's Cause is the runtime's JSON ({errorType, errorMessage, trace}); Step Functions'
 * own errors (States.Timeout) carry plain text.
 */
export const FAILURE_REASONS = [
  // No code reached the run: SMS lost (the class table calls it SmsLost), or not sent at all.
  'SmsCodeNotReceived',
  // The code came after the wait ended, while the check was still undecided (lib/runs/markLateCode.ts; issue 18).
  'SmsLate',
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
  // Cognito refused the synthetic user's sign-in (NotAuthorizedException, not about the session; issue 18).
  'NotAuthorized',
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

/** `codeRoute`: the run's (its record's), so that a code wait's timeout names the route that should have brought the code. */
export function classifyFailure(error: string | undefined, cause: string | undefined, codeRoute?: CodeRoute): Failure {
  const name = error ?? 'Unexpected';
  const message = describeCause(cause);
  if ((FAILURE_REASONS as readonly string[]).includes(name)) return { reason: name as FailureReason, cause: message || name };
  const mapped = BY_ERROR[name];
  if (mapped === 'SmsCodeNotReceived' && name.startsWith('States.')) {
    const by = codeRoute ? CODE_ROUTE_NAMES[codeRoute] : 'any route (inbound SMS number, Twilio webhook, Custom SMS Sender or callback)';
    return { reason: mapped, cause: `No SMS code reached the run by ${by} before the wait timed out` };
  }
  if (mapped) return { reason: mapped, cause: `${name}: ${message}` };
  // Cognito answers an expired or reused auth session with NotAuthorized.
  if (name === 'NotAuthorizedException' && /session/i.test(message)) return { reason: 'ExpiredCode', cause: `${name}: ${message}` };
  if (name === 'NotAuthorizedException') return { reason: 'NotAuthorized', cause: `${name}: ${message}` };
  // Cognito's answer when the app client lost the flow after the run chose it: "USER_PASSWORD_AUTH flow not enabled for this client".
  if (name === 'InvalidParameterException' && /flow not enabled/i.test(message))
    return { reason: 'AuthFlowNotAllowed', cause: `${name}: ${message}` };
  return { reason: 'Unexpected', cause: `${name}: ${message}`.slice(0, 1000) };
}

/**
 * Whose failure a FAIL is (issue 18), which decides who is told: `pool` (Cognito refused, or the
 * pool or app client is set up so the check cannot pass) and `sms` (the code did not come, came
 * late, or did not fit) page; `checker` (our own parts: input, target record, DynamoDB, Lambda,
 * the phone's lease, the machine's own limits) warns on its own alarm (resources/monitoring.yml
 * CheckerFailingAlarm). `SmsCodeNotReceived` is the class table's SmsLost; the name is kept so
 * stored records and the runbook's Logs Insights queries still match.
 */
export type FailureClass = 'pool' | 'sms' | 'checker';

export const FAILURE_CLASS: Record<FailureReason, FailureClass> = {
  SmsCodeNotReceived: 'sms',
  SmsLate: 'sms',
  CodeMismatch: 'sms',
  // The code came too late for Cognito's auth session.
  ExpiredCode: 'sms',
  MfaNotEnforced: 'pool',
  UnexpectedChallenge: 'pool',
  AppClientSecretChanged: 'pool',
  AuthFlowNotAllowed: 'pool',
  SmsOtpNotOffered: 'pool',
  DeviceChallenge: 'pool',
  UserLambdaValidationException: 'pool',
  PhoneUsernameTaken: 'pool',
  PhoneUsernamePool: 'pool',
  UserStatusUnexpected: 'pool',
  TokenInvalid: 'pool',
  RefreshFailed: 'pool',
  Throttled: 'pool',
  NotAuthorized: 'pool',
  // A secondary replica not ACTIVE, or Cognito unable to send with the pool's (Regional) SMS role.
  ReplicaNotActive: 'pool',
  SmsConfigurationRefused: 'pool',
  // Our DynamoDB write after the SMS went out.
  SignInSaveFailed: 'checker',
  // Our lease: another run held the phone past the machine's backoff.
  PhoneBusy: 'checker',
  // The check's own configuration: its target record or its input.
  TargetNotFound: 'checker',
  SignUpOnReplica: 'checker',
  ValidationError: 'checker',
  // A Lambda or AWS error no reason names: ours until shown otherwise.
  Unexpected: 'checker',
  // The machine's TimeoutSeconds, or a person's StopExecution.
  TimedOut: 'checker',
  Aborted: 'checker',
};

/** The class of a recorded reason; a reason unknown to this version (a newer record) is the checker's. */
export const classOf = (reason: string | undefined): FailureClass =>
  (FAILURE_CLASS as Record<string, FailureClass | undefined>)[reason ?? ''] ?? 'checker';

/** The classes that page (CheckFailingAlarm); `checker` warns on CheckerFailingAlarm instead. */
export const PAGING_CLASSES: readonly FailureClass[] = ['pool', 'sms'];
