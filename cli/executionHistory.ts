import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { Backoff, type PollOptions } from './poll';

/** Events per GetExecutionHistory page: the first read takes what is there, later ones only the few new ones. */
const FIRST_PAGE = 100;
const NEXT_PAGE = 20;

/**
 * The events after `lastId`, oldest first, read newest-first (`reverseOrder`) and only as far back
 * as the last one already seen: a poll costs one small call however long the history grows.
 */
export async function eventsAfter(sfn: SFNClient, executionArn: string, lastId: number, backoff: Backoff): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await backoff.call('GetExecutionHistory', () =>
      sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: lastId === 0 ? FIRST_PAGE : NEXT_PAGE, nextToken }),
      ),
    );
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= lastId) return fresh.reverse();
      fresh.push(event);
    }
    nextToken = page.nextToken;
    if (!nextToken) return fresh.reverse();
  }
}

/** The whole history of an execution, oldest first: the one reader that the CLI, the local cloud and the scripts share. */
export function executionHistory(sfn: SFNClient, executionArn: string, poll: PollOptions = {}): Promise<HistoryEvent[]> {
  return eventsAfter(sfn, executionArn, 0, new Backoff(poll));
}
