/**
 * The synthetic user of a run: unique per run, so cleanup can never delete another run's user.
 * Execution names may hold characters usernames should not (e.g. '@' reads as an e-mail): only
 * lower-case letters, digits, '_' and '-' are kept.
 */
export const syntheticUsername = (runId: string) => `synthetic-${runId}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
