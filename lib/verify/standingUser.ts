import { createHash } from 'node:crypto';

/**
 * The standing user of `signin` checks: one per pool and phone, kept between runs. Its name is
 * derived, not stored: every run (and every clean-up tool) finds it again without a lookup, and
 * the name says nothing about the phone (a hash). It shares the `synthetic-` prefix with the
 * per-run sign-up users, so tools that recognise synthetic users recognise it too.
 */
export const STANDING_USER_PREFIX = 'synthetic-standing-';

export function standingUsername(userPoolId: string, phone: string): string {
  return `${STANDING_USER_PREFIX}${createHash('sha256').update(`${userPoolId}\n${phone}`).digest('hex').slice(0, 24)}`;
}

export const isStandingUsername = (username: string) => username.startsWith(STANDING_USER_PREFIX);

/**
 * What a run did with its standing user: signed in with it as it was (`reused`), made it because
 * it did not exist (`created`), or deleted and made it again because it could not sign in as a
 * standing user should (`recreated`, with a short reason).
 */
export const STANDING_USER_OUTCOMES = ['created', 'reused', 'recreated'] as const;
export type StandingUserOutcome = (typeof STANDING_USER_OUTCOMES)[number];
