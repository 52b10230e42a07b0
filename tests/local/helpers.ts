import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { LocalCloud } from '../../local/cloud';

/**
 * Drives the local cloud through its Step Functions HTTP API with the real SDK client, as the
 * ops CLI or the console would. `process.env` points the SDK at the emulators once the cloud runs.
 */
export class SfnDriver {
  readonly sfn = new SFNClient({});

  constructor(readonly cloud: LocalCloud) {}

  destroy(): void {
    this.sfn.destroy();
  }

  async start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
    const { executionArn } = await this.sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
    return executionArn!;
  }

  /** Waits for the execution to close, then answers with DescribeExecution over HTTP. */
  async finish(executionArn: string): Promise<DescribeExecutionCommandOutput> {
    await this.cloud.engine.waitForExecution(executionArn);
    return this.sfn.send(new DescribeExecutionCommand({ executionArn }));
  }

  async run(stateMachineArn: string, input: unknown, name?: string) {
    return this.finish(await this.start(stateMachineArn, input, name));
  }

  async statusOf(executionArn: string) {
    return (await this.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
  }

  /** The whole history, paged with small pages so paging is exercised too. */
  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 50 }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** Polls the history until `found` picks something from it. */
  async waitFor<T>(executionArn: string, found: (events: HistoryEvent[]) => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found(await this.history(executionArn));
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${executionArn}: history did not show what was awaited within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Each history event with the state it happened in (the last state entered before it). */
export function eventsByState(events: HistoryEvent[]): { state: string | undefined; event: HistoryEvent }[] {
  let state: string | undefined;
  return events.map((event) => {
    if (event.stateEnteredEventDetails?.name) state = event.stateEnteredEventDetails.name;
    return { state, event };
  });
}

export function eventsOfState(events: HistoryEvent[], state: string, type?: string): HistoryEvent[] {
  return eventsByState(events)
    .filter((e) => e.state === state && (!type || e.event.type === type))
    .map((e) => e.event);
}
