import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { eventsAfter } from './executionHistory';
import { summarize } from './stateSummary';
import { Backoff, type PollOptions } from './poll';

export interface FollowEvents {
  /** A state ended: its duration, its type (Task, Pass, Choice...), input and output (ids and masked data only), and what it changed. */
  onState?: (line: { state: string; type: string; ms: number; summary: string; input?: string; output?: string }) => void;
  /** A task-token wait began: which state, for which code (`sign-up`, `MFA`, ...), and its timeout if known. */
  onAwait?: (wait: { state: string; what: string; startedAt: number; timeoutSeconds?: number }) => void;
  onAwaitEnd?: () => void;
}

/** Events that end an execution: after one, DescribeExecution has the final status and output. */
const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);
/** The final description, and the state the run failed in when the history shows one. */
export type FollowResult = DescribeExecutionCommandOutput & { failedIn?: string };

/** Every so many idle polls, DescribeExecution, in case the history missed the end. */
const IDLE_POLLS_PER_DESCRIBE = 12;

/**
 * Follows an execution through GetExecutionHistory, the way the console does, so it works the
 * same against a deployed stage and the local cloud. Gentle with the API: each poll reads only the
 * new events, polls grow apart (250 ms up to 2 s) while nothing happens, throttling is waited out,
 * and DescribeExecution is called once the history shows the end. Returns the final description.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  events: FollowEvents,
  poll: PollOptions = {},
): Promise<FollowResult> {
  const backoff = new Backoff(poll);
  const entered = new Map<string, { at: number; input?: string }>();
  let failedIn: string | undefined;
  let timeouts: Record<string, number> = {};
  let lastId = 0;
  let ended = false;
  let idlePolls = 0;
  for (;;) {
    const batch = await eventsAfter(sfn, executionArn, lastId, backoff);
    idlePolls = batch.length > 0 ? 0 : idlePolls + 1;
    for (const event of batch) {
      lastId = Math.max(lastId, event.id ?? 0);
      const at = event.timestamp?.getTime() ?? Date.now();
      const type = event.type ?? '';
      if (TERMINAL.has(type)) ended = true;
      if (type.endsWith('StateEntered')) {
        const name = event.stateEnteredEventDetails?.name ?? '?';
        entered.set(name, { at, input: event.stateEnteredEventDetails?.input });
        const wait = codeWait(name);
        if (wait) events.onAwait?.({ state: name, what: wait.what, startedAt: at, timeoutSeconds: timeouts[wait.timeoutKey] });
      } else if (type.endsWith('StateExited')) {
        const name = event.stateExitedEventDetails?.name ?? '?';
        const output = event.stateExitedEventDetails?.output;
        if (name === 'PrepareRun' && output) timeouts = (JSON.parse(output) as { timeouts?: Record<string, number> }).timeouts ?? {};
        const start = entered.get(name);
        entered.delete(name);
        // A Catch puts the error into the state's output (ResultPath $.error): that is where the run failed.
        if (!failedIn && hasNewError(start?.input, output)) failedIn = name;
        if (name.startsWith('Await')) events.onAwaitEnd?.();
        events.onState?.({
          state: name,
          type: type.replace(/StateExited$/, ''),
          ms: at - (start?.at ?? at),
          summary: summarize(output),
          input: start?.input,
          output,
        });
      }
    }
    // The end is read from the history; a DescribeExecution now and then (every ~20 s of quiet)
    // is only a safety net.
    if (ended || (idlePolls > 0 && idlePolls % IDLE_POLLS_PER_DESCRIBE === 0)) {
      const description = await backoff.call('DescribeExecution', () => sfn.send(new DescribeExecutionCommand({ executionArn })));
      if (description.status !== 'RUNNING') {
        events.onAwaitEnd?.();
        // Timed out or stopped with no Catch: the state still open at the end.
        const where = description.status === 'SUCCEEDED' ? undefined : (failedIn ?? [...entered.keys()].pop());
        return { ...description, ...(where && { failedIn: where }) };
      }
      // A redriven execution runs on after its end event; keep following it.
      ended = false;
    }
    if (batch.length > 0) backoff.reset();
    await backoff.wait();
  }
}

function hasNewError(input: string | undefined, output: string | undefined): boolean {
  const errorOf = (text: string | undefined) => {
    try {
      return (JSON.parse(text ?? 'null') as { error?: unknown } | null)?.error;
    } catch {
      return undefined;
    }
  };
  const after = errorOf(output);
  return after !== undefined && JSON.stringify(after) !== JSON.stringify(errorOf(input));
}

/**
 * The code a wait state awaits, by the machines' naming: `Await<Step>Code` waits for the <step>
 * code, with its timeout in the run's `timeouts.<step>CodeSeconds` (AwaitSignUpCode → sign-up,
 * signUpCodeSeconds; AwaitMfaCode → MFA, mfaCodeSeconds).
 */
export function codeWait(state: string): { what: string; timeoutKey: string } | undefined {
  const step = /^Await(\w+)Code$/.exec(state)?.[1];
  if (!step) return undefined;
  const what = step === 'Mfa' ? 'MFA' : step.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();
  return { what, timeoutKey: `${step[0]!.toLowerCase()}${step.slice(1)}CodeSeconds` };
}
