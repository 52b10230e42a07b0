import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { compileDefinition, parseDefinition, type CompiledDefinition } from './definition';
import { SfnServiceError, validation } from './errors';
import { ExecutionHistory, historyFromLibraryEvent, type HistoryEvent } from './history';
import { StateMachine, statesTimeoutError, type JsonValue, type LibraryEvent } from './library';
import { paginate } from './paging';
import { makeTaskHandler, type LambdaInvoker, type TaskRuntime } from './tasks';
import { TaskTokens } from './tokens';

export interface LocalStepFunctionsOptions {
  invokeLambda: LambdaInvoker;
  /** Default 'us-east-1'. */
  region?: string;
  /** Default '000000000000'. */
  accountId?: string;
  /** Clock for timestamps in history and API answers (timers still run in real time). */
  now?: () => number;
  /**
   * Multiplies every Retry `IntervalSeconds` and `MaxDelaySeconds` (BackoffRate and jitter still
   * apply), so local runs can compress long retry waits. Default 1 (as written).
   */
  retryIntervalScale?: number;
  /** Multiplies the duration of every Wait state (Seconds, SecondsPath, Timestamp, TimestampPath). Default 1. */
  waitScale?: number;
}

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  creationDate: Date;
  /** Creation order, for paging ListStateMachines. */
  seq: number;
  compiled: CompiledDefinition;
  machine: StateMachine;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  seq: number;
  history: ExecutionHistory;
  /** Retries of each state's current entry. */
  retries: Map<string, number>;
  /** Aborted when the execution closes, releasing every task still waiting in it. */
  closed: AbortController;
  abortRun(): void;
  done: Promise<void>;
  markDone(): void;
}

type Closing = { status: 'SUCCEEDED'; output: string } | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error?: string; cause?: string };

export interface LocalStepFunctionsEvents {
  /** One per history event, as it happens: a CLI can print a live line per state. */
  event: [executionArn: string, event: HistoryEvent];
}

// What AWS answers InvalidArn for (an execution name where an ARN belongs, a truncated ARN).
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
// eslint-disable-next-line no-control-regex -- Step Functions refuses control characters in names; so does this
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * A local Step Functions service: runs JSONPath state machines with aws-local-stepfunctions and
 * adds task tokens, timeouts/heartbeats, AWS history and the service's operations. Every method
 * takes and returns what the SDK sends and receives, so the HTTP layer only serialises.
 */
export class LocalStepFunctions extends EventEmitter<LocalStepFunctionsEvents> {
  readonly region: string;
  readonly accountId: string;
  private readonly invokeLambda: LambdaInvoker;
  private readonly now: () => number;
  private readonly retryIntervalScale: number;
  private readonly waitScale: number;
  private readonly tokens = new TaskTokens();
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private seq = 0;

  constructor(opts: LocalStepFunctionsOptions) {
    super();
    this.invokeLambda = opts.invokeLambda;
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '000000000000';
    this.now = opts.now ?? Date.now;
    this.retryIntervalScale = opts.retryIntervalScale ?? 1;
    this.waitScale = opts.waitScale ?? 1;
    // Warm up now so the first task timeout is not delayed by it.
    void statesTimeoutError('warm-up');
  }

  /**
   * Registers a state machine; returns its ARN. As on AWS, creating the same name again is
   * idempotent for the same definition (a different roleArn is ignored) and refused with
   * StateMachineAlreadyExists for another one.
   */
  createStateMachine(name: string, definition: object | string, roleArn?: string): string {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name))
      throw new SfnServiceError('InvalidName', `Invalid State Machine Name: '${name}'`);
    const compiled = compileDefinition(definition, { retryIntervalScale: this.retryIntervalScale });
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
    const previous = this.stateMachines.get(arn);
    if (previous) {
      if (JSON.stringify(parseDefinition(previous.definition)) === JSON.stringify(parseDefinition(text))) return arn;
      throw new SfnServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    this.stateMachines.set(arn, {
      arn,
      name,
      definition: text,
      roleArn: roleArn ?? `arn:aws:iam::${this.accountId}:role/local-stepfunctions`,
      creationDate: new Date(this.now()),
      seq: ++this.seq,
      compiled,
      machine: new StateMachine(compiled.runnable, { validationOptions: { noValidate: true } }),
    });
    return arn;
  }

  describeStateMachine(req: { stateMachineArn?: string }) {
    const sm = this.stateMachine(req.stateMachineArn);
    return {
      stateMachineArn: sm.arn,
      name: sm.name,
      status: 'ACTIVE',
      definition: sm.definition,
      roleArn: sm.roleArn,
      type: 'STANDARD',
      creationDate: sm.creationDate,
    };
  }

  listStateMachines(req: { maxResults?: number; nextToken?: string } = {}) {
    const all = [...this.stateMachines.values()];
    const { page, nextToken } = paginate({ items: all, positionOf: (sm) => sm.seq, order: 'ascending', scope: 'ListStateMachines' }, req);
    const stateMachines = page.map((sm) => ({ stateMachineArn: sm.arn, name: sm.name, type: 'STANDARD', creationDate: sm.creationDate }));
    return { stateMachines, ...(nextToken && { nextToken }) };
  }

  startExecution(req: { stateMachineArn?: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    const sm = this.stateMachine(req.stateMachineArn);
    const name = req.name ?? randomUUID();
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new SfnServiceError('InvalidName', `Invalid Execution Name: '${name}'`);
    const inputText = req.input ?? '{}';
    let input: JsonValue;
    try {
      input = JSON.parse(inputText) as JsonValue;
    } catch {
      throw new SfnServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON');
    }
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS makes StartExecution idempotent only for a running execution with the same input.
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn, startDate: existing.startDate };
      throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const rec = this.newExecution(sm, executionArn, name, inputText);
    this.run(sm, rec, input);
    return { executionArn, startDate: rec.startDate };
  }

  describeExecution(req: { executionArn?: string }) {
    const e = this.execution(req.executionArn);
    return {
      ...executionSummary(e),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== undefined && { output: e.output, outputDetails: { included: true } }),
      ...(e.error !== undefined && { error: e.error }),
      ...(e.cause !== undefined && { cause: e.cause }),
    };
  }

  getExecutionHistory(req: {
    executionArn?: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }): { events: HistoryEvent[]; nextToken?: string } {
    const e = this.execution(req.executionArn);
    let events = e.history.events.map((ev) => (req.includeExecutionData === false ? withoutData(ev) : structuredClone(ev)));
    if (req.reverseOrder) events = events.reverse();
    const scope = `GetExecutionHistory ${e.executionArn} ${req.reverseOrder ? 'reverse' : 'forward'}`;
    const order = req.reverseOrder ? 'descending' : 'ascending';
    const { page, nextToken } = paginate({ items: events, positionOf: (ev) => ev.id, order, scope }, req);
    return { events: page, ...(nextToken && { nextToken }) };
  }

  listExecutions(req: { stateMachineArn?: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string }) {
    const sm = this.stateMachine(req.stateMachineArn);
    if (req.statusFilter !== undefined && !EXECUTION_STATUSES.includes(req.statusFilter)) {
      throw validation(
        `1 validation error detected: Value '${String(req.statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`,
      );
    }
    const items = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === sm.arn && (!req.statusFilter || e.status === req.statusFilter))
      // Newest first, as AWS lists them; the sequence number orders executions started in the same ms.
      .sort((a, b) => b.seq - a.seq);
    const scope = `ListExecutions ${sm.arn} ${req.statusFilter ?? ''}`;
    const { page, nextToken } = paginate({ items, positionOf: (e) => e.seq, order: 'descending', scope }, req);
    return { executions: page.map(executionSummary), ...(nextToken && { nextToken }) };
  }

  stopExecution(req: { executionArn?: string; error?: string; cause?: string }): { stopDate: Date } {
    const e = this.execution(req.executionArn);
    if (e.status === 'RUNNING') {
      this.close(e, { status: 'ABORTED', error: req.error, cause: req.cause });
      e.abortRun();
    }
    return { stopDate: e.stopDate! };
  }

  sendTaskSuccess(req: { taskToken?: string; output?: string }): Record<string, never> {
    this.tokens.sendSuccess(req.taskToken, req.output);
    return {};
  }

  sendTaskFailure(req: { taskToken?: string; error?: string; cause?: string }): Record<string, never> {
    this.tokens.sendFailure(req.taskToken, req.error, req.cause);
    return {};
  }

  sendTaskHeartbeat(req: { taskToken?: string }): Record<string, never> {
    this.tokens.sendHeartbeat(req.taskToken);
    return {};
  }

  /** Resolves with DescribeExecution once the execution is no longer RUNNING. */
  async waitForExecution(executionArn: string) {
    await this.execution(executionArn).done;
    return this.describeExecution({ executionArn });
  }

  private stateMachine(arn: string | undefined): StateMachineRecord {
    if (typeof arn !== 'string') throw validation('stateMachineArn is required');
    if (!STATE_MACHINE_ARN.test(arn)) throw new SfnServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const sm = this.stateMachines.get(arn);
    if (!sm) throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  private execution(arn: string | undefined): ExecutionRecord {
    if (typeof arn !== 'string') throw validation('executionArn is required');
    if (!EXECUTION_ARN.test(arn)) throw new SfnServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const e = this.executions.get(arn);
    if (!e) throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private newExecution(sm: StateMachineRecord, executionArn: string, name: string, input: string): ExecutionRecord {
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => {
      markDone = resolve;
    });
    const rec: ExecutionRecord = {
      executionArn,
      stateMachineArn: sm.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(this.now()),
      seq: ++this.seq,
      history: new ExecutionHistory(this.now, (event) => this.emit('event', executionArn, event)),
      retries: new Map(),
      closed: new AbortController(),
      abortRun: () => undefined,
      done,
      markDone,
    };
    this.executions.set(executionArn, rec);
    rec.history.record('ExecutionStarted', { input, inputDetails: { truncated: false }, roleArn: sm.roleArn });
    return rec;
  }

  private run(sm: StateMachineRecord, rec: ExecutionRecord, input: JsonValue): void {
    const runtime: TaskRuntime = {
      executionArn: rec.executionArn,
      executionName: rec.name,
      stateMachineArn: sm.arn,
      stateMachineName: sm.name,
      roleArn: sm.roleArn,
      input,
      startTime: rec.startDate.toISOString(),
      region: this.region,
      accountId: this.accountId,
      waitScale: this.waitScale,
      signal: rec.closed.signal,
      tokens: this.tokens,
      invokeLambda: this.invokeLambda,
      now: this.now,
      record: (type, details) => {
        if (rec.status === 'RUNNING') rec.history.record(type, details);
      },
      retryCount: (stateName) => rec.retries.get(stateName) ?? 0,
    };
    const handlers = Object.fromEntries([...sm.compiled.plans].map(([state, plan]) => [state, makeTaskHandler(runtime, plan)]));
    const execution = sm.machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      // What the library resolves itself ($$ in Choice, InputPath, intrinsics); Task/State come from our handlers.
      context: {
        Execution: { Id: rec.executionArn, Name: rec.name, RoleArn: sm.roleArn },
        StateMachine: { Id: sm.arn, Name: sm.name },
      },
      noThrowOnAbort: true,
    });
    rec.abortRun = execution.abort;
    // The outcome is read from the event log, which is ordered with the state events.
    execution.result.catch(() => undefined);
    void this.follow(sm, rec, execution.eventLogs);
  }

  private async follow(sm: StateMachineRecord, rec: ExecutionRecord, events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      for await (const event of events) {
        switch (event.type) {
          case 'ExecutionSucceeded':
            this.close(rec, { status: 'SUCCEEDED', output: JSON.stringify(event.output ?? null) });
            break;
          case 'ExecutionFailed':
            this.close(rec, { status: 'FAILED', error: event.Error, cause: asText(event.Cause) });
            break;
          case 'ExecutionTimeout':
            this.close(rec, { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' });
            break;
          case 'ExecutionAborted':
            this.close(rec, { status: 'ABORTED' });
            break;
          default: {
            // Read by our task handlers for $$.State.RetryCount. The library logs these before it
            // calls the handler, which yields once before it reads the context.
            // Known limit: counted per state name, so Map iterations that retry the same state at
            // the same time share one count (a task cannot tell which iteration it runs in).
            if (event.type === 'StateEntered') rec.retries.set(event.state.name, 0);
            if (event.type === 'StateRetried') rec.retries.set(event.state.name, (rec.retries.get(event.state.name) ?? 0) + 1);
            const mapped = historyFromLibraryEvent(event, sm.compiled.stateTypes);
            if (mapped && rec.status === 'RUNNING') rec.history.record(mapped.type, mapped.details);
          }
        }
      }
    } finally {
      this.close(rec, { status: 'FAILED', error: 'States.Runtime', cause: 'The local execution ended without a result' });
    }
  }

  private close(rec: ExecutionRecord, closing: Closing): void {
    if (rec.status !== 'RUNNING') return;
    rec.status = closing.status;
    rec.stopDate = new Date(this.now());
    if (closing.status === 'SUCCEEDED') {
      rec.output = closing.output;
      rec.history.record('ExecutionSucceeded', { output: closing.output, outputDetails: { truncated: false } });
    } else {
      rec.error = closing.error;
      rec.cause = closing.cause;
      const details = {
        ...(closing.error !== undefined && { error: closing.error }),
        ...(closing.cause !== undefined && { cause: closing.cause }),
      };
      const type = { FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[closing.status];
      rec.history.record(type, details);
    }
    // AWS closes every task of a closed execution: waits end and their tokens answer TaskTimedOut.
    this.tokens.closeAllFor(rec.executionArn);
    rec.closed.abort();
    rec.markDone();
  }
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  return JSON.stringify(value ?? '');
}

/** The fields DescribeExecution and ListExecutions share. */
function executionSummary(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate,
    ...(e.stopDate && { stopDate: e.stopDate }),
  };
}

function withoutData(event: HistoryEvent): HistoryEvent {
  const copy = structuredClone(event);
  for (const [key, value] of Object.entries(copy)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const details = value as Record<string, unknown>;
      delete details.input;
      delete details.output;
    }
  }
  return copy;
}
