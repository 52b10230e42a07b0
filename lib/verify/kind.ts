import { ValidationError } from '../errors';

/**
 * What a verification run checks:
 * - `signup`: a new synthetic user signs up, confirms with the SMS code, signs in with SMS MFA, and
 *   is deleted (2 SMS, a new monthly active user each run);
 * - `signin`: a standing synthetic user, kept between runs, signs in with SMS MFA (1 SMS, one
 *   monthly active user per target and phone).
 */
export const CHECK_KINDS = ['signup', 'signin'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The run's kind: `signup` when absent, so inputs written before kinds existed keep their meaning. */
export function readKind(value: unknown): CheckKind {
  if (value === undefined || value === null) return 'signup';
  if (!(CHECK_KINDS as readonly unknown[]).includes(value)) throw new ValidationError('kind', `must be one of ${CHECK_KINDS.join(', ')}`);
  return value as CheckKind;
}

/** Slack beyond the code waits, for the Cognito calls and clean-up around them. */
export const LEASE_MARGIN_SECONDS = 120;

/**
 * How long a run holds its phone: every code wait of its kind plus the margin. A sign-in run
 * waits for one code (MFA), a sign-up run for two.
 */
export function leaseSeconds(kind: CheckKind, timeouts: { signUpCodeSeconds: number; mfaCodeSeconds: number }): number {
  return (kind === 'signup' ? timeouts.signUpCodeSeconds : 0) + timeouts.mfaCodeSeconds + LEASE_MARGIN_SECONDS;
}
