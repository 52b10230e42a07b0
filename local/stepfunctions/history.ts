import type { LibraryEvent } from './library';

/** A history event shaped like the SDK's HistoryEvent (timestamps as Date). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [detailsKey: string]: unknown;
}

/** AWS names each event's details after its type, except the per-state-type Entered/Exited events. */
export function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
}

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly onEvent: (event: HistoryEvent) => void,
  ) {}

  record(type: string, details?: Record<string, unknown>): HistoryEvent {
    const id = this.events.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: new Date(this.now()), type };
    if (details) event[detailsKey(type)] = details;
    this.events.push(event);
    this.onEvent(event);
    return event;
  }
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Translates the library's state-level log into AWS history events. Execution start/end and task
 * events are recorded by the engine and task handlers; retries, catches and the library's
 * StateFailed have no AWS event of their own (AWS shows them as Task* events), so they are dropped.
 */
export function historyFromLibraryEvent(
  event: LibraryEvent,
  stateTypes: Map<string, string>,
): { type: string; details?: Record<string, unknown> } | undefined {
  switch (event.type) {
    case 'StateEntered': {
      const type = stateTypes.get(event.state.name) ?? event.state.type;
      return {
        type: `${type}StateEntered`,
        details: { name: event.state.name, input: json(event.state.input), inputDetails: { truncated: false } },
      };
    }
    case 'StateExited': {
      const type = stateTypes.get(event.state.name) ?? event.state.type;
      return {
        type: `${type}StateExited`,
        details: { name: event.state.name, output: json(event.state.output), outputDetails: { truncated: false } },
      };
    }
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return { type: event.type, details: { name: event.parentState.name, index: event.index } };
    default:
      return undefined;
  }
}
