/**
 * The synthetic user of a run: unique per run, so cleanup can never delete another run's user.
 * Execution names may hold characters usernames should not (e.g. '@' reads as an e-mail): only
 * lower-case letters, digits, '_' and '-' are kept.
 */
export const syntheticUsername = (runId: string) => `synthetic-${runId}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');

/**
 * Every name the checks give their users: per-run `synthetic-<run id>` and the standing
 * `synthetic-standing-<hash>` (lib/verify/standingUser.ts). Only these may ever be deleted, and a
 * pool holding only these is the checks' own.
 */
export const SYNTHETIC_USERNAME = /^synthetic-[a-z0-9_-]+$/;
export const isSyntheticUsername = (username: string | undefined): username is string =>
  username !== undefined && SYNTHETIC_USERNAME.test(username);

/**
 * The domain of synthetic users' addresses on pools whose users sign in with their email address
 * (SYNTHETIC_EMAIL_DOMAIN): `example.invalid` by default, a name reserved never to resolve (RFC
 * 2606), so no message can reach anyone; such users are created with email_verified and nothing sent.
 */
export const syntheticEmailDomain = (): string => process.env.SYNTHETIC_EMAIL_DOMAIN?.trim().toLowerCase() || 'example.invalid';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `synthetic-…@<domain>`: the address of a synthetic user on an email-username pool, ours alone. */
export const syntheticEmailPattern = (): RegExp => new RegExp(`^synthetic-[a-z0-9_-]+@${escapeRegExp(syntheticEmailDomain())}$`);

/** Whether a name is one of ours: a synthetic user name, or a synthetic address at the configured domain. */
export const isSyntheticSignInName = (name: string | undefined): name is string =>
  isSyntheticUsername(name) || (name !== undefined && syntheticEmailPattern().test(name));

/** What a pool lets users sign in with instead of a user name (DescribeUserPool UsernameAttributes). */
export type UsernameShape = 'username' | 'email' | 'phone_number';

export function usernameShape(usernameAttributes: readonly string[]): UsernameShape {
  if (usernameAttributes.includes('email')) return 'email';
  if (usernameAttributes.includes('phone_number')) return 'phone_number';
  return 'username';
}

/**
 * The name a synthetic user signs up and signs in with, in a shape the pool accepts: the synthetic
 * name itself; on an email-username pool that name as an address at the synthetic domain; on a
 * phone-username pool the phone number (Cognito allows one user per phone number there).
 */
export function signInNameFor(shape: UsernameShape, syntheticName: string, phone: string): string {
  if (shape === 'email') return `${syntheticName}@${syntheticEmailDomain()}`;
  if (shape === 'phone_number') return phone;
  return syntheticName;
}
