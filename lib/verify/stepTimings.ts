import { paginateGetExecutionHistory, type HistoryEvent } from '@aws-sdk/client-sfn';
import { sfn } from '../clients';

export interface StepTiming {
  name: string;
  ms: number;
}

/**
 * Per-state durations from the execution's own history: measured by Step Functions, so they
 * include the waits for SMS codes, which no single Lambda sees.
 */
export async function stepTimings(executionArn: string): Promise<StepTiming[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn() }, { executionArn, includeExecutionData: false })) {
    events.push(...(page.events ?? []));
  }
  const entered = new Map<string, number>();
  const timings: StepTiming[] = [];
  for (const event of events) {
    const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
    if (!name || !event.timestamp) continue;
    if (event.type?.endsWith('StateEntered')) entered.set(name, event.timestamp.getTime());
    else if (event.type?.endsWith('StateExited') && entered.has(name)) {
      timings.push({ name, ms: event.timestamp.getTime() - entered.get(name)! });
      entered.delete(name);
    }
  }
  return timings;
}
