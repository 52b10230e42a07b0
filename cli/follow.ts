import { DescribeExecutionCommand, GetExecutionHistoryCommand, type DescribeExecutionCommandOutput, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { summarize } from '../local/report';

export interface FollowEvents {
  onState?: (line: { state: string; ms: number; summary: string }) => void;
  /** A task-token wait began: which state, and its timeout if known. */
  onAwait?: (wait: { state: string; startedAt: number; timeoutSeconds?: number }) => void;
  onAwaitEnd?: () => void;
}

/**
 * Follows an execution through GetExecutionHistory, the way the console does, so it works the
 * same against a deployed stage and the local cloud. Returns the final description.
 */
export async function followExecution(sfn: SFNClient, executionArn: string, events: FollowEvents, pollMs = 250): Promise<DescribeExecutionCommandOutput> {
  const seen = new Set<number>();
  const entered = new Map<string, number>();
  let timeouts: Record<string, number> = {};
  for (;;) {
    let nextToken: string | undefined;
    const batch: HistoryEvent[] = [];
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
      batch.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const event of batch) {
      if (event.id === undefined || seen.has(event.id)) continue;
      seen.add(event.id);
      const at = event.timestamp?.getTime() ?? Date.now();
      const type = event.type ?? '';
      if (type.endsWith('StateEntered')) {
        const name = event.stateEnteredEventDetails?.name ?? '?';
        entered.set(name, at);
        if (name === 'AwaitSignUpCode' || name === 'AwaitMfaCode') {
          events.onAwait?.({ state: name, startedAt: at, timeoutSeconds: timeouts[name === 'AwaitSignUpCode' ? 'signUpCodeSeconds' : 'mfaCodeSeconds'] });
        }
      } else if (type.endsWith('StateExited')) {
        const name = event.stateExitedEventDetails?.name ?? '?';
        const output = event.stateExitedEventDetails?.output;
        if (name === 'PrepareRun' && output) timeouts = (JSON.parse(output) as { timeouts?: Record<string, number> }).timeouts ?? {};
        if (name.startsWith('Await')) events.onAwaitEnd?.();
        events.onState?.({ state: name, ms: at - (entered.get(name) ?? at), summary: summarize(output) });
      }
    }
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (description.status !== 'RUNNING') {
      events.onAwaitEnd?.();
      return description;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
