import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { eventsAfter } from './executionHistory';
import { summarize } from './stateSummary';
import { Backoff, type PollOptions } from './poll';

export interface FollowEvents {
  onState?: (line: { state: string; ms: number; summary: string }) => void;
  /** A task-token wait began: which state, and its timeout if known. */
  onAwait?: (wait: { state: string; startedAt: number; timeoutSeconds?: number }) => void;
  onAwaitEnd?: () => void;
}

/** Events that end an execution: after one, DescribeExecution has the final status and output. */
const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);
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
): Promise<DescribeExecutionCommandOutput> {
  const backoff = new Backoff(poll);
  const entered = new Map<string, number>();
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
        entered.set(name, at);
        if (name === 'AwaitSignUpCode' || name === 'AwaitMfaCode') {
          events.onAwait?.({
            state: name,
            startedAt: at,
            timeoutSeconds: timeouts[name === 'AwaitSignUpCode' ? 'signUpCodeSeconds' : 'mfaCodeSeconds'],
          });
        }
      } else if (type.endsWith('StateExited')) {
        const name = event.stateExitedEventDetails?.name ?? '?';
        const output = event.stateExitedEventDetails?.output;
        if (name === 'PrepareRun' && output) timeouts = (JSON.parse(output) as { timeouts?: Record<string, number> }).timeouts ?? {};
        if (name.startsWith('Await')) events.onAwaitEnd?.();
        events.onState?.({ state: name, ms: at - (entered.get(name) ?? at), summary: summarize(output) });
      }
    }
    // The end is read from the history; a DescribeExecution now and then (every ~20 s of quiet)
    // is only a safety net.
    if (ended || (idlePolls > 0 && idlePolls % IDLE_POLLS_PER_DESCRIBE === 0)) {
      const description = await backoff.call('DescribeExecution', () => sfn.send(new DescribeExecutionCommand({ executionArn })));
      if (description.status !== 'RUNNING') {
        events.onAwaitEnd?.();
        return description;
      }
      // A redriven execution runs on after its end event; keep following it.
      ended = false;
    }
    if (batch.length > 0) backoff.reset();
    await backoff.wait();
  }
}
