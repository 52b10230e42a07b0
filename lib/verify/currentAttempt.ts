import { getRun } from '../runs/getRun';
import type { RunItem } from '../runs/model';
import { attemptRunId } from './attempts';

/** The attempt of a check that is running now, and the check's first run. */
export interface CurrentAttempt {
  runId: string;
  attempt: number;
  retryOf?: string;
  /** The check's first run's record; absent when the run failed before writing it. */
  first?: RunItem;
  /** The current attempt's record; absent when it failed before writing it. */
  run?: RunItem;
}

const orNone = (runId: string) =>
  getRun(runId).catch((error: Error) => {
    if (error.name === 'RunNotFound') return undefined;
    throw error;
  });

/**
 * The failure path's RecordFailure and the stopped-run clean-up know only the execution's name,
 * the first attempt's run id; the first run's `attempts` (lib/runs/setAttempts.ts) names the
 * attempt in progress. A run id that is itself a re-run's is its own current attempt.
 */
export async function currentAttempt(runId: string): Promise<CurrentAttempt> {
  const first = await orNone(runId);
  if (!first) return { runId, attempt: 1 };
  const own = first.attempt ?? 1;
  if (own > 1) return { runId, attempt: own, retryOf: first.retryOf, first: undefined, run: first };
  const attempts = first.attempts ?? 1;
  if (attempts <= 1) return { runId, attempt: 1, first, run: first };
  const current = attemptRunId(runId, attempts);
  return { runId: current, attempt: attempts, retryOf: runId, first, run: await orNone(current) };
}
