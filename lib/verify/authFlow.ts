import { ValidationError } from '../errors';

/**
 * How a check signs its user in, named as the CLI and checks.yml name it:
 * - `password`: InitiateAuth USER_PASSWORD_AUTH (the seed's walkthrough);
 * - `srp`: USER_SRP_AUTH → PASSWORD_VERIFIER (Amplify JS v6 signIn()'s default);
 * - `user-auth`: choice-based USER_AUTH with a password first factor (PASSWORD, or PASSWORD_SRP);
 * - `sms-otp`: choice-based USER_AUTH with the passwordless SMS_OTP first factor (a code by SMS is
 *   the whole sign-in: SignInPolicyType AllowedFirstAuthFactors SMS_OTP, Essentials plan or higher).
 * The password flows must then meet the SMS_MFA challenge; sms-otp meets SMS_OTP instead.
 */
export const AUTH_FLOWS = ['password', 'srp', 'user-auth', 'sms-otp'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

/** The InitiateAuth AuthFlow each of ours sends, and the app client setting that allows it. */
export const AUTH_FLOW_API: Readonly<Record<AuthFlow, { authFlow: string; clientFlow: string }>> = {
  password: { authFlow: 'USER_PASSWORD_AUTH', clientFlow: 'ALLOW_USER_PASSWORD_AUTH' },
  srp: { authFlow: 'USER_SRP_AUTH', clientFlow: 'ALLOW_USER_SRP_AUTH' },
  'user-auth': { authFlow: 'USER_AUTH', clientFlow: 'ALLOW_USER_AUTH' },
  'sms-otp': { authFlow: 'USER_AUTH', clientFlow: 'ALLOW_USER_AUTH' },
};

/**
 * The flows a check may choose by itself, in order of preference. sms-otp is never chosen: it
 * skips the password (and SMS MFA), so it checks something else than the app may do; only a flow
 * named with --auth-flow / authFlow / target add --auth-flow uses it.
 */
export const DEFAULT_FLOWS: readonly AuthFlow[] = ['password', 'srp', 'user-auth'];

/** The challenge that carries the SMS code: SMS_OTP for passwordless sign-in, SMS_MFA after a password. */
export type SmsChallenge = 'SMS_MFA' | 'SMS_OTP';
export const smsChallengeOf = (flow: AuthFlow): SmsChallenge => (flow === 'sms-otp' ? 'SMS_OTP' : 'SMS_MFA');

export function isAuthFlow(value: unknown): value is AuthFlow {
  return (AUTH_FLOWS as readonly unknown[]).includes(value);
}

/** A requested flow, or undefined when none was named (the default is chosen from the client). */
export function readAuthFlow(value: unknown, field = 'authFlow'): AuthFlow | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isAuthFlow(value)) throw new ValidationError(field, `must be one of ${AUTH_FLOWS.join(', ')}`);
  return value;
}

/**
 * The flows an app client allows, from DescribeUserPoolClient's ExplicitAuthFlows. A client made
 * without the list gets ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH and ALLOW_REFRESH_TOKEN_AUTH
 * (CreateUserPoolClient API reference, ExplicitAuthFlows); the legacy names (ADMIN_NO_SRP_AUTH,
 * USER_PASSWORD_AUTH, CUSTOM_AUTH_FLOW_ONLY) came with the default flows besides.
 */
export function clientAuthFlows(explicitAuthFlows: readonly string[] | undefined): Set<string> {
  const listed = explicitAuthFlows ?? [];
  const defaults = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
  if (listed.length === 0) return new Set(defaults);
  if (listed.some((f) => f.startsWith('ALLOW_'))) return new Set(listed);
  const legacy: Record<string, string> = {
    ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
    USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
    CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
  };
  return new Set([...defaults, ...listed.flatMap((f) => legacy[f] ?? [])]);
}

/**
 * The flow a check uses when none is named: the seed's USER_PASSWORD_AUTH when the client allows
 * it, else SRP (what Amplify apps use), else USER_AUTH with a password; never sms-otp; undefined
 * when the client allows none.
 */
export function defaultAuthFlow(explicitAuthFlows: readonly string[] | undefined): AuthFlow | undefined {
  const allowed = clientAuthFlows(explicitAuthFlows);
  return DEFAULT_FLOWS.find((flow) => allowed.has(AUTH_FLOW_API[flow].clientFlow));
}

/** Whether the client allows a flow. */
export function clientAllows(explicitAuthFlows: readonly string[] | undefined, flow: AuthFlow): boolean {
  return clientAuthFlows(explicitAuthFlows).has(AUTH_FLOW_API[flow].clientFlow);
}
