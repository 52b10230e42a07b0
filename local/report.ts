import type { HistoryEvent } from './stepfunctions';

/**
 * Live progress for a person watching a run: one line per state as it exits, with its duration
 * and a short summary of its output. Outputs hold only ids and masked data by design; this
 * still cuts them short and never prints a field whose name suggests a secret.
 */
const SECRET_FIELD = /token|password|session|code$|secret/i;

export function summarize(output: string | undefined, max = 70): string {
  if (!output) return '';
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch {
    return '';
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value).slice(0, max);
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELD.test(key) && key !== 'tokens') continue;
    if (v === null || typeof v === 'object') continue;
    parts.push(`${key}=${String(v)}`);
  }
  const text = parts.join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface StepLine { execution: string; state: string; ms: number; status: 'ok' | 'failed'; summary: string }

interface Details { name?: string; output?: string; error?: string; cause?: string }

/** Turns engine history events into per-state lines (entered → exited). */
export function stepTracker(onLine: (line: StepLine) => void) {
  const entered = new Map<string, number>();
  return (executionArn: string, event: HistoryEvent) => {
    const execution = executionArn.split(':').pop() ?? executionArn;
    const type = event.type ?? '';
    const enteredDetails = event.stateEnteredEventDetails as Details | undefined;
    const exited = event.stateExitedEventDetails as Details | undefined;
    const at = new Date(event.timestamp as unknown as string | number | Date).getTime();
    if (type.endsWith('StateEntered')) {
      entered.set(`${executionArn}/${enteredDetails?.name}`, at);
    } else if (type.endsWith('StateExited')) {
      const name = exited?.name ?? '?';
      const key = `${executionArn}/${name}`;
      const start = entered.get(key) ?? at;
      entered.delete(key);
      onLine({ execution, state: name, ms: at - start, status: 'ok', summary: summarize(exited?.output) });
    } else if (type === 'ExecutionFailed') {
      const d = event.executionFailedEventDetails as Details | undefined;
      onLine({ execution, state: '(execution)', ms: 0, status: 'failed', summary: `${d?.error ?? ''}: ${d?.cause ?? ''}`.slice(0, 120) });
    }
  };
}
