import { regionOfUserPool } from '../cognito/region';
import { ValidationError } from '../errors';
import { getRun } from '../runs/getRun';
import type { RunItem } from '../runs/model';
import { asObject, noUnknownFields } from '../validate';
import { attemptRunId } from './attempts';
import type { CheckKind } from './kind';
import { readRunRequest, type RunRequest } from './runRequest';

/** Which attempt of its check a run is, and what it runs. */
export interface Attempt {
  /** This attempt's run id (attemptRunId). */
  runId: string;
  attempt: number;
  /** The first attempt's run id (the execution's name), on re-runs only. */
  retryOf?: string;
  request: RunRequest;
}

/** The record fields that link an attempt to its check (written by putRun). */
export const attemptFields = (a: Attempt): Pick<RunItem, 'attempt' | 'retryOf' | 'retries'> => ({
  attempt: a.attempt,
  ...(a.retryOf !== undefined && { retryOf: a.retryOf }),
  retries: a.request.retries,
});

/**
 * The first state of a run (PrepareRun, StartSignIn) gets the execution's input on the first
 * attempt, and `{ kind, attempt }` from the machine's NextAttempt state on a re-run. A re-run does
 * not carry the input again (it holds the raw phone number, which goes no further than the first
 * state): it runs what the first attempt resolved, read back from that attempt's record, whose
 * `attempts` RecordFailure set to this attempt's number when it chose to re-run. An input that
 * names an `attempt` the machine did not choose is refused.
 */
export async function resolveAttempt(rawInput: unknown, executionName: string, expectedKind: CheckKind): Promise<Attempt> {
  const input = asObject(rawInput ?? {}, 'input');
  if (input.attempt === undefined) {
    return { runId: executionName, attempt: 1, request: await readRunRequest(rawInput, expectedKind) };
  }
  noUnknownFields(input, ['kind', 'attempt']);
  const attempt = input.attempt;
  const first = await getRun(executionName).catch((error: Error) => {
    if (error.name === 'RunNotFound') return undefined;
    throw error;
  });
  if (typeof attempt !== 'number' || !first || first.attempts !== attempt || attempt < 2) {
    throw new ValidationError('attempt', 'is set only by the verify machine, when it runs a failed check again');
  }
  if (first.kind !== undefined && first.kind !== expectedKind) {
    throw new ValidationError('kind', `a ${first.kind} run does not start at the ${expectedKind} run's first state`);
  }
  return {
    runId: attemptRunId(executionName, attempt),
    attempt,
    retryOf: executionName,
    request: {
      kind: expectedKind,
      userPoolId: first.userPoolId,
      clientId: first.clientId,
      targetName: first.targetName,
      region: first.region ?? regionOfUserPool(first.userPoolId),
      authFlow: first.authFlow,
      phone: first.phoneNumber,
      phoneFrom: 'firstAttempt',
      timeouts: first.timeouts,
      retries: first.retries ?? 0,
      ...(first.codeRoute && { codeRoute: first.codeRoute }),
    },
  };
}
