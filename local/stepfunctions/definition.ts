import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalidDefinition } from './errors';
import { StateMachine, type StateMachineDefinition } from './library';

/** How our local task handler runs a state that the library hands over to it. */
export type TaskKind = 'lambda' | 'lambdaInvoke' | 'lambdaCallback' | 'wait' | 'pass' | 'unsupported';

export interface TaskPlan {
  stateName: string;
  kind: TaskKind;
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export interface CompiledDefinition {
  /** What the library runs: every Task/Wait (and context-using Pass) delegated to us. */
  runnable: StateMachineDefinition;
  /** The AWS state type of each state as written, for history event names. */
  stateTypes: Map<string, string>;
  plans: Map<string, TaskPlan>;
}

export interface CompileOptions {
  retryIntervalScale: number;
}

/** Keys of the envelope our rewritten Parameters produce, so the library evaluates paths for us. */
export const ENVELOPE = {
  payload: '__payload',
  timeout: '__timeoutSeconds',
  heartbeat: '__heartbeatSeconds',
  input: '__input',
  seconds: '__seconds',
  timestamp: '__timestamp',
  secondsPath: '__secondsPath',
  timestampPath: '__timestampPath',
} as const;

/** Marks a `$$` reference the library cannot resolve (Task.Token, State.*), resolved by our handler. */
export const CONTEXT_MARK = '__contextPath';

/**
 * The library's own task timeout defaults to 60 s and Node timers overflow above 2^31-1 ms;
 * our handler enforces the real timeouts, so the library gets one it never reaches.
 */
export const LIBRARY_NO_TIMEOUT_SECONDS = 2_000_000;

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:.+/;
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_CALLBACK = /^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/;
const SIMPLE_CONTEXT_PATH = /^\$\$(\.[A-Za-z0-9_]+)*$/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type StateDef = Record<string, Json>;
type MachineDef = { StartAt?: Json; States?: Record<string, StateDef>; [k: string]: unknown };

export function parseDefinition(definition: object | string): MachineDef {
  // A JSON round trip, not structuredClone: the library only walks objects of its own realm's
  // Object.prototype, and under jest structuredClone's copies are not (templates went unresolved).
  if (typeof definition !== 'string') return JSON.parse(JSON.stringify(definition)) as MachineDef;
  try {
    return JSON.parse(definition) as MachineDef;
  } catch (err) {
    throw invalidDefinition(`Definition is not valid JSON: ${(err as Error).message}`);
  }
}

export function compileDefinition(definition: object | string, opts: CompileOptions): CompiledDefinition {
  const original = parseDefinition(definition);
  checkShape(original, 'The definition');
  refuseJsonata(original, '');
  validate(original);
  const stateTypes = new Map<string, string>();
  const plans = new Map<string, TaskPlan>();
  const runnable = rewriteMachine(original, { ...opts, stateTypes, plans }) as unknown as StateMachineDefinition;
  if (typeof original.TimeoutSeconds === 'number') {
    runnable.TimeoutSeconds = Math.min(original.TimeoutSeconds, LIBRARY_NO_TIMEOUT_SECONDS);
  }
  delete (runnable as { QueryLanguage?: unknown }).QueryLanguage;
  return { runnable, stateTypes, plans };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

// Everything after this walks states as objects: a null or a list there must be InvalidDefinition
// (400), as on AWS, not a TypeError that the wire would report as a 500.
function checkShape(machine: unknown, what: string): asserts machine is MachineDef {
  if (!isObject(machine)) throw invalidDefinition(`${what} must be a JSON object`);
  if (!isObject(machine.States)) throw invalidDefinition(`${what} must have a States object`);
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) throw invalidDefinition(`State '${name}' must be a JSON object`);
    for (const key of ['Iterator', 'ItemProcessor'] as const) {
      if (state[key] !== undefined) checkShape(state[key], `The ${key} of '${name}'`);
    }
    if (state.Branches !== undefined) {
      if (!Array.isArray(state.Branches)) throw invalidDefinition(`The Branches of '${name}' must be a list`);
      state.Branches.forEach((branch, i) => checkShape(branch, `Branch ${i} of '${name}'`));
    }
  }
}

// The library has no JSONata support and would run such states as JSONPath, silently wrong.
function refuseJsonata(machine: MachineDef, where: string): void {
  if (machine.QueryLanguage === 'JSONata') {
    throw invalidDefinition(`QueryLanguage JSONata${where} is not supported locally: only JSONPath definitions run here`);
  }
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    if (state.QueryLanguage === 'JSONata') {
      throw invalidDefinition(`State '${name}' uses QueryLanguage JSONata: only JSONPath definitions run here`);
    }
    for (const sub of nestedMachines(state)) refuseJsonata(sub, ` in a branch of '${name}'`);
  }
}

function validate(machine: MachineDef): void {
  const seen = new Set<string>();
  const visit = (m: MachineDef) => {
    for (const [name, state] of Object.entries(m.States ?? {})) {
      if (seen.has(name)) throw invalidDefinition(`State name '${name}' is used more than once`);
      seen.add(name);
      checkHeartbeat(name, state);
      nestedMachines(state).forEach(visit);
    }
  };
  visit(machine);
  // Fields the library's validator does not know are removed only for validation.
  const stripped = stripForValidation(machine);
  const key = createHash('sha256').update(JSON.stringify(stripped)).digest('hex');
  if (validDefinitions.has(key)) return;
  try {
    new StateMachine(stripped as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (err) {
    throw invalidDefinition((err as Error).message);
  }
  validDefinitions.add(key);
  saveValidDefinitions();
}

// asl-validator builds a fresh JSON-schema compiler per call (0.15-0.35 s; ~0.75 s for the three
// project machines at every local start). Definitions that passed are remembered by content hash,
// in memory and in node_modules/.cache, so an unchanged definition is validated once per checkout.
const CACHE_FILE = join(__dirname, '..', '..', 'node_modules', '.cache', 'local-stepfunctions', 'valid-definitions.json');
const validDefinitions = new Set<string>(loadValidDefinitions());

function loadValidDefinitions(): string[] {
  try {
    const keys = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as unknown;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function saveValidDefinitions(): void {
  try {
    mkdirSync(dirname(CACHE_FILE), { recursive: true });
    writeFileSync(CACHE_FILE, JSON.stringify([...validDefinitions].slice(-200)));
  } catch {
    // A read-only checkout only loses the speed-up.
  }
}

// The library's validator does not know HeartbeatSeconds, so its AWS rules are checked here.
function checkHeartbeat(name: string, state: StateDef): void {
  const heartbeat = state.HeartbeatSeconds;
  if (heartbeat === undefined) return;
  if (typeof heartbeat !== 'number' || !Number.isInteger(heartbeat) || heartbeat < 1) {
    throw invalidDefinition(`State '${name}': HeartbeatSeconds must be a positive integer`);
  }
  if (typeof state.TimeoutSeconds === 'number' && heartbeat >= state.TimeoutSeconds) {
    throw invalidDefinition(`State '${name}': HeartbeatSeconds must be smaller than TimeoutSeconds`);
  }
}

function stripForValidation(machine: MachineDef): MachineDef {
  const copy: MachineDef = { ...machine, States: {} };
  delete copy.QueryLanguage;
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    const s: StateDef = { ...state };
    delete s.QueryLanguage;
    delete s.HeartbeatSeconds;
    delete s.HeartbeatSecondsPath;
    delete s.Credentials;
    withNested(s, stripForValidation);
    copy.States![name] = s;
  }
  return copy;
}

function nestedMachines(state: StateDef): MachineDef[] {
  const subs: MachineDef[] = [];
  for (const key of ['Iterator', 'ItemProcessor'] as const) {
    if (state[key] && typeof state[key] === 'object') subs.push(state[key] as unknown as MachineDef);
  }
  if (Array.isArray(state.Branches)) subs.push(...(state.Branches as unknown as MachineDef[]));
  return subs;
}

function withNested(state: StateDef, fn: (m: MachineDef) => MachineDef): void {
  for (const key of ['Iterator', 'ItemProcessor'] as const) {
    if (state[key] && typeof state[key] === 'object') state[key] = fn(state[key] as unknown as MachineDef) as unknown as Json;
  }
  if (Array.isArray(state.Branches)) {
    state.Branches = (state.Branches as unknown as MachineDef[]).map(fn) as unknown as Json;
  }
}

type RewriteCtx = CompileOptions & { stateTypes: Map<string, string>; plans: Map<string, TaskPlan> };

function rewriteMachine(machine: MachineDef, ctx: RewriteCtx): MachineDef {
  const out: MachineDef = { ...machine, States: {} };
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    ctx.stateTypes.set(name, String(state.Type));
    const s = rewriteState(name, { ...state }, ctx);
    withNested(s, (m) => rewriteMachine(m, ctx));
    scaleRetry(s, ctx.retryIntervalScale);
    matchHeartbeatTimeoutAsTimeout(s);
    delete s.QueryLanguage;
    out.States![name] = s;
  }
  return out;
}

function rewriteState(name: string, state: StateDef, ctx: RewriteCtx): StateDef {
  if (state.Type === 'Task') return rewriteTask(name, state, ctx);
  if (state.Type === 'Wait') return rewriteWait(name, state, ctx);
  if (state.Type === 'Pass' && state.Parameters !== undefined && state.Result === undefined) {
    const { template, usesContext } = markContextPaths(state.Parameters);
    if (!usesContext) return state;
    ctx.plans.set(name, { stateName: name, kind: 'pass', resource: 'local:pass' });
    const task: StateDef = { ...state, Type: 'Task', Resource: 'local:pass', TimeoutSeconds: LIBRARY_NO_TIMEOUT_SECONDS };
    task.Parameters = { [ENVELOPE.payload]: template };
    return task;
  }
  return state;
}

function rewriteTask(name: string, state: StateDef, ctx: RewriteCtx): StateDef {
  const resource = String(state.Resource);
  const kind: TaskKind = LAMBDA_CALLBACK.test(resource)
    ? 'lambdaCallback'
    : LAMBDA_INVOKE.test(resource)
      ? 'lambdaInvoke'
      : LAMBDA_ARN.test(resource)
        ? 'lambda'
        : 'unsupported';
  ctx.plans.set(name, {
    stateName: name,
    kind,
    resource,
    timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
    heartbeatSeconds: typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined,
  });
  const envelope: Record<string, Json> = {};
  if (state.Parameters !== undefined) envelope[ENVELOPE.payload] = markContextPaths(state.Parameters).template;
  else envelope[`${ENVELOPE.payload}.$`] = '$';
  if (typeof state.TimeoutSecondsPath === 'string') envelope[`${ENVELOPE.timeout}.$`] = state.TimeoutSecondsPath;
  if (typeof state.HeartbeatSecondsPath === 'string') envelope[`${ENVELOPE.heartbeat}.$`] = state.HeartbeatSecondsPath;
  const task: StateDef = { ...state, Parameters: envelope, TimeoutSeconds: LIBRARY_NO_TIMEOUT_SECONDS };
  for (const key of ['TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials']) delete task[key];
  return task;
}

// Our handler sleeps instead of the library so `waitScale` applies to every form of Wait.
function rewriteWait(name: string, state: StateDef, ctx: RewriteCtx): StateDef {
  ctx.plans.set(name, { stateName: name, kind: 'wait', resource: 'local:wait' });
  const envelope: Record<string, Json> = { [`${ENVELOPE.input}.$`]: '$' };
  if (state.Seconds !== undefined) envelope[ENVELOPE.seconds] = state.Seconds;
  if (state.Timestamp !== undefined) envelope[ENVELOPE.timestamp] = state.Timestamp;
  // Paths get keys of their own: only values read at run time are checked there.
  if (typeof state.SecondsPath === 'string') envelope[`${ENVELOPE.secondsPath}.$`] = state.SecondsPath;
  if (typeof state.TimestampPath === 'string') envelope[`${ENVELOPE.timestampPath}.$`] = state.TimestampPath;
  const task: StateDef = {
    Type: 'Task',
    Resource: 'local:wait',
    Parameters: envelope,
    TimeoutSeconds: LIBRARY_NO_TIMEOUT_SECONDS,
  };
  for (const key of ['InputPath', 'OutputPath', 'Next', 'End', 'Comment']) {
    if (state[key] !== undefined) task[key] = state[key];
  }
  return task;
}

// On AWS, States.Timeout in a retrier or catcher also matches a missed heartbeat (the older,
// coarser name); the library matches names exactly, so States.HeartbeatTimeout is added beside it.
function matchHeartbeatTimeoutAsTimeout(state: StateDef): void {
  for (const key of ['Retry', 'Catch'] as const) {
    if (!Array.isArray(state[key])) continue;
    state[key] = (state[key] as Record<string, Json>[]).map((rule) => {
      const names = rule.ErrorEquals;
      if (!Array.isArray(names) || !names.includes('States.Timeout') || names.includes('States.HeartbeatTimeout')) return rule;
      return { ...rule, ErrorEquals: [...names, 'States.HeartbeatTimeout'] };
    });
  }
}

// Scaling the retrier itself (rather than the library's fixed-ms override) keeps BackoffRate,
// MaxDelaySeconds and JitterStrategy meaningful when retries are compressed.
function scaleRetry(state: StateDef, scale: number): void {
  if (scale === 1 || !Array.isArray(state.Retry)) return;
  state.Retry = (state.Retry as Record<string, Json>[]).map((r) => {
    const scaled: Record<string, Json> = { ...r, IntervalSeconds: Number(r.IntervalSeconds ?? 1) * scale };
    if (typeof r.MaxDelaySeconds === 'number') scaled.MaxDelaySeconds = r.MaxDelaySeconds * scale;
    return scaled;
  });
}

/**
 * Replaces `"x.$": "$$.Task.Token"`-style references with markers our handler resolves, because
 * the library's context object has no Task or State and is shared by every state of a run.
 * Only plain dotted `$$` paths are taken over; `$$.Map.*` belongs to the library.
 */
export function markContextPaths(template: Json): { template: Json; usesContext: boolean } {
  let usesContext = false;
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key.endsWith('.$') && typeof v === 'string' && SIMPLE_CONTEXT_PATH.test(v) && !v.startsWith('$$.Map')) {
        out[key.slice(0, -2)] = { [CONTEXT_MARK]: v };
        usesContext = true;
      } else {
        out[key] = walk(v);
      }
    }
    return out;
  };
  return { template: walk(template), usesContext };
}

/** Resolves the markers left by markContextPaths against the full context object. */
export function resolveContextPaths(value: unknown, context: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveContextPaths(v, context));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === CONTEXT_MARK && typeof obj[CONTEXT_MARK] === 'string') {
    return lookupContext(obj[CONTEXT_MARK] as string, context);
  }
  return Object.fromEntries(keys.map((k) => [k, resolveContextPaths(obj[k], context)]));
}

function lookupContext(path: string, context: Record<string, unknown>): unknown {
  let current: unknown = context;
  for (const segment of path.split('.').slice(1)) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) {
      const err = new Error(`The JSONPath '${path}' could not be found in the context object`);
      err.name = 'States.Runtime';
      // The library reads these flags: a runtime error is neither retried nor caught, as in AWS.
      Object.assign(err, { isRetryable: false, isCatchable: false });
      throw err;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
