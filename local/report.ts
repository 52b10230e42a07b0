import { clipAtWord, maskText, redact, stateResultWhole } from '../cli/stateSummary';

/**
 * Progress and reports for a person (or a script) watching local runs: one line per state as it
 * exits, with its duration and what that state changed (cli/stateSummary.ts, shared with the ops
 * CLI); per-step timings from the execution history; a summary table.
 */
export { redact };

export interface StepLine {
  execution: string;
  executionArn: string;
  state: string;
  ms: number;
  status: 'ok' | 'failed';
  summary: string;
}

interface Details {
  name?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** Enough of a history event (the engine's and the SDK's both fit). */
export interface HistoryLike {
  type?: string;
  timestamp?: Date | string | number;
  stateEnteredEventDetails?: object;
  stateExitedEventDetails?: object;
  executionFailedEventDetails?: object;
  executionAbortedEventDetails?: object;
  executionTimedOutEventDetails?: object;
}

const timeOf = (event: HistoryLike) => new Date(event.timestamp as string | number | Date).getTime();

/** Turns engine history events into per-state lines (entered → exited) with what the state changed. */
export function stepTracker(onLine: (line: StepLine) => void) {
  const entered = new Map<string, { at: number; input?: string }>();
  return (executionArn: string, event: HistoryLike) => {
    const execution = executionArn.split(':').pop() ?? executionArn;
    const type = event.type ?? '';
    const at = timeOf(event);
    if (type.endsWith('StateEntered')) {
      const d = event.stateEnteredEventDetails as Details | undefined;
      entered.set(`${executionArn}/${d?.name}`, { at, input: d?.input });
    } else if (type.endsWith('StateExited')) {
      const d = event.stateExitedEventDetails as Details | undefined;
      const name = d?.name ?? '?';
      const key = `${executionArn}/${name}`;
      const start = entered.get(key);
      entered.delete(key);
      onLine({
        execution,
        executionArn,
        state: name,
        ms: at - (start?.at ?? at),
        status: 'ok',
        summary: stateResultWhole(start?.input, d?.output),
      });
    } else if (type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut') {
      const d = (event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails) as
        Details | undefined;
      // The state that was running when the execution ended.
      const open = [...entered.entries()].find(([k]) => k.startsWith(`${executionArn}/`));
      if (open) entered.delete(open[0]);
      onLine({
        execution,
        executionArn,
        state: open ? open[0].slice(executionArn.length + 1) : '(execution)',
        ms: open ? at - open[1].at : 0,
        status: 'failed',
        summary: clipAtWord(maskText(`${d?.error ?? type}: ${d?.cause ?? ''}`), 160),
      });
    }
  };
}

export interface Step {
  state: string;
  ms: number;
  status: 'ok' | 'failed' | 'open';
}

/** Per-state timings of one execution, from its history (StateEntered → StateExited). */
export function stepsFromHistory(events: HistoryLike[]): Step[] {
  const steps: Step[] = [];
  const open = new Map<string, { at: number; index: number }>();
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      const name = (event.stateEnteredEventDetails as Details | undefined)?.name ?? '?';
      open.set(name, { at: timeOf(event), index: steps.length });
      steps.push({ state: name, ms: 0, status: 'open' });
    } else if (type.endsWith('StateExited')) {
      const name = (event.stateExitedEventDetails as Details | undefined)?.name ?? '?';
      const o = open.get(name);
      if (o) {
        steps[o.index] = { state: name, ms: timeOf(event) - o.at, status: 'ok' };
        open.delete(name);
      }
    } else if (type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut') {
      for (const o of open.values()) steps[o.index] = { ...steps[o.index]!, ms: timeOf(event) - o.at, status: 'failed' };
      open.clear();
    }
  }
  return steps;
}

/** State transitions as AWS bills them: one per state entered. */
export const stateTransitions = (events: HistoryLike[]) => events.filter((e) => (e.type ?? '').endsWith('StateEntered')).length;

export function quantile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
export const median = (values: number[]) => quantile(values, 0.5);

const ms = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '-');

/** A fixed-width table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: (string | number)[][], indent = '  '): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? ms(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    indent +
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

/** Step timings of several runs of one machine: median, min and max per state, in first-seen order. */
export function stepTable(runs: Step[][]): string[] {
  const order: string[] = [];
  const byState = new Map<string, number[]>();
  for (const steps of runs) {
    for (const s of steps) {
      if (!byState.has(s.state)) {
        order.push(s.state);
        byState.set(s.state, []);
      }
      byState.get(s.state)!.push(s.ms);
    }
  }
  if (runs.length === 1)
    return table(
      ['state', 'ms'],
      order.map((s) => [s, byState.get(s)![0]!]),
    );
  return table(
    ['state', 'median ms', 'min', 'max', 'runs'],
    order.map((s) => {
      const v = byState.get(s)!;
      return [s, median(v), Math.min(...v), Math.max(...v), String(v.length)];
    }),
  );
}
