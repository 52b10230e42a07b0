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
