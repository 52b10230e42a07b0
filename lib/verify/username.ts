/** The synthetic user of a run: unique per run, so cleanup can never delete another run's user. */
export const syntheticUsername = (runId: string) => `synthetic-${runId}`.toLowerCase();
