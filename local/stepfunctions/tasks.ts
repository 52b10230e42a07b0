import { randomUUID } from 'node:crypto';
import { abortableSleep, executionClosedError, TaskClock } from './clock';
import { ENVELOPE, resolveContextPaths, type TaskPlan } from './definition';
import { lambdaErrorCause, taskError } from './errors';
import type { JsonValue } from './library';
import type { TaskTokens } from './tokens';

/** Runs a function; `caller` names the execution whose task invokes it (Lambda's own logs would show the request only). */
export type LambdaInvoker = (functionArn: string, payload: unknown, caller: { executionArn: string }) => Promise<unknown>;

/** What a running task needs from its execution. */
export interface TaskRuntime {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  input: unknown;
  startTime: string;
  region: string;
  accountId: string;
  waitScale: number;
  signal: AbortSignal;
  tokens: TaskTokens;
  invokeLambda: LambdaInvoker;
  now(): number;
  record(type: string, details?: Record<string, unknown>): void;
  /** How many times the state's current entry was retried ($$.State.RetryCount). */
  retryCount(stateName: string): number;
}

type Envelope = Record<string, unknown>;
type LocalHandler = (input: JsonValue) => Promise<JsonValue>;

const json = (value: unknown) => JSON.stringify(value ?? null);

/** The local handler the library calls in place of each Task (and rewritten Wait/Pass) state. */
export function makeTaskHandler(rt: TaskRuntime, plan: TaskPlan): LocalHandler {
  return async (raw) => {
    // The library calls us synchronously right after logging StateEntered, but its log is read
    // asynchronously; yielding one macrotask keeps our task events after StateEntered in history.
    await new Promise((resolve) => setImmediate(resolve));
    if (rt.signal.aborted) throw executionClosedError();
    const envelope = (raw ?? {}) as Envelope;
    let token: string | undefined;
    const mintToken = () => (token ??= rt.tokens.mint(rt.executionArn, plan.stateName));
    const context = {
      Execution: { Id: rt.executionArn, Name: rt.executionName, Input: rt.input, StartTime: rt.startTime, RoleArn: rt.roleArn },
      StateMachine: { Id: rt.stateMachineArn, Name: rt.stateMachineName },
      State: { Name: plan.stateName, EnteredTime: new Date(rt.now()).toISOString(), RetryCount: rt.retryCount(plan.stateName) },
      Task: {
        get Token() {
          return mintToken();
        },
      },
    };
    const payload = resolveContextPaths(envelope[ENVELOPE.payload], context);
    switch (plan.kind) {
      case 'pass':
        return payload as JsonValue;
      case 'wait':
        await abortableSleep(waitMs(envelope, rt), rt.signal);
        return envelope[ENVELOPE.input] as JsonValue;
      case 'unsupported':
        throw Object.assign(taskError('States.Runtime', `Resource '${plan.resource}' is not supported by the local Step Functions`), {
          isRetryable: false,
          isCatchable: false,
        });
      default: {
        const limits = {
          timeoutSeconds: secondsFromPath(envelope, ENVELOPE.timeout, 'TimeoutSecondsPath', 1) ?? plan.timeoutSeconds,
          heartbeatSeconds: secondsFromPath(envelope, ENVELOPE.heartbeat, 'HeartbeatSecondsPath', 1) ?? plan.heartbeatSeconds,
        };
        const clock = new TaskClock({ ...limits, signal: rt.signal });
        try {
          if (plan.kind === 'lambda') return await runLambda(rt, plan, limits, payload, clock);
          return await runLambdaIntegration(
            rt,
            limits,
            payload as Envelope,
            clock,
            plan.kind === 'lambdaCallback' ? mintToken() : undefined,
          );
        } finally {
          clock.stop();
          if (token) rt.tokens.close(token);
        }
      }
    }
  };
}

/** The timeout and heartbeat a task runs with: as written, or read through their *Path. */
interface Limits {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

async function runLambda(rt: TaskRuntime, plan: TaskPlan, limits: Limits, payload: unknown, clock: TaskClock): Promise<JsonValue> {
  rt.record('LambdaFunctionScheduled', {
    resource: plan.resource,
    input: json(payload),
    inputDetails: { truncated: false },
    ...(limits.timeoutSeconds !== undefined && { timeoutInSeconds: limits.timeoutSeconds }),
  });
  rt.record('LambdaFunctionStarted');
  try {
    const output = (await clock.race(invokeAsLambda(rt, plan.resource, payload))) ?? null;
    rt.record('LambdaFunctionSucceeded', { output: json(output), outputDetails: { truncated: false } });
    return output as JsonValue;
  } catch (err) {
    throw failed(err, {
      timeout: (e) => rt.record('LambdaFunctionTimedOut', { error: e.name, cause: e.message }),
      failure: (pair) => rt.record('LambdaFunctionFailed', pair),
    });
  }
}

async function runLambdaIntegration(
  rt: TaskRuntime,
  limits: Limits,
  params: Envelope,
  clock: TaskClock,
  token: string | undefined,
): Promise<JsonValue> {
  const resourceType = 'lambda';
  const resource = token ? 'invoke.waitForTaskToken' : 'invoke';
  const ids = { resourceType, resource };
  rt.record('TaskScheduled', {
    ...ids,
    region: rt.region,
    parameters: json(params),
    ...(limits.timeoutSeconds !== undefined && { timeoutInSeconds: limits.timeoutSeconds }),
    ...(limits.heartbeatSeconds !== undefined && { heartbeatInSeconds: limits.heartbeatSeconds }),
  });
  rt.record('TaskStarted', ids);
  try {
    const functionArn = toFunctionArn(params?.FunctionName, rt);
    // Opened before invoking: an in-process Lambda may answer before its invocation returns.
    const waiter = token ? rt.tokens.open(token) : undefined;
    waiter?.onHeartbeat(() => clock.heartbeat());
    const returned = await clock.race(invokeAsLambda(rt, functionArn, params?.Payload ?? {}));
    const response = lambdaInvokeResponse(returned);
    if (!waiter) {
      rt.record('TaskSucceeded', { ...ids, output: json(response), outputDetails: { truncated: false } });
      return response as JsonValue;
    }
    rt.record('TaskSubmitted', { ...ids, output: json(response), outputDetails: { truncated: false } });
    const outcome = await clock.race(waiter.outcome);
    if (outcome.kind === 'failure') {
      rt.record('TaskFailed', { ...ids, error: outcome.error, cause: outcome.cause });
      const err = taskError(outcome.error, outcome.cause);
      alreadyRecorded.add(err);
      throw err;
    }
    rt.record('TaskSucceeded', { ...ids, output: json(outcome.output), outputDetails: { truncated: false } });
    return outcome.output as JsonValue;
  } catch (err) {
    throw failed(err, {
      timeout: (e) => rt.record('TaskTimedOut', { ...ids, error: e.name, cause: e.message }),
      failure: (pair) => rt.record('TaskFailed', { ...ids, ...pair }),
    });
  }
}

class LambdaFailure extends Error {
  constructor(readonly original: unknown) {
    super('lambda failed');
  }
}

async function invokeAsLambda(rt: TaskRuntime, functionArn: string, payload: unknown): Promise<unknown> {
  try {
    return await rt.invokeLambda(functionArn, payload, { executionArn: rt.executionArn });
  } catch (err) {
    throw new LambdaFailure(err);
  }
}

const alreadyRecorded = new WeakSet<Error>();

type ErrorPair = { error: string; cause: string };

/**
 * Records a task's failure in history and returns the error the library should see: Lambda
 * errors with AWS's Error/Cause pair, timeouts as they are, a closed execution without a record.
 */
function failed(err: unknown, record: { timeout(e: Error): void; failure(pair: ErrorPair): void }): Error {
  if (err instanceof LambdaFailure) {
    const pair = lambdaErrorCause(err.original);
    record.failure(pair);
    return taskError(pair.error, pair.cause);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'States.ExecutionClosed' || alreadyRecorded.has(e)) return e;
  if (isTimeout(e)) record.timeout(e);
  else record.failure({ error: e.name, cause: e.message });
  return e;
}

function isTimeout(e: Error): boolean {
  return e.name === 'States.Timeout' || e.name === 'States.HeartbeatTimeout';
}

function lambdaInvokeResponse(payload: unknown) {
  const requestId = randomUUID();
  const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

function toFunctionArn(name: unknown, rt: TaskRuntime): string {
  if (typeof name !== 'string' || name === '') {
    throw taskError('States.Runtime', 'Parameters.FunctionName is required for arn:aws:states:::lambda:invoke');
  }
  return name.startsWith('arn:') ? name : `arn:aws:lambda:${rt.region}:${rt.accountId}:function:${name}`;
}

/** A runtime error: AWS fails the execution, and no Retry or Catch (not even States.ALL) sees it. */
function runtimeError(cause: string): Error {
  return Object.assign(taskError('States.Runtime', cause), { isRetryable: false, isCatchable: false });
}

/**
 * A number of seconds that a *Path field selected, if the state declares one. AWS requires an
 * integer of at least `min` there and fails the execution otherwise.
 */
function secondsFromPath(envelope: Envelope, key: string, field: string, min: number): number | undefined {
  if (!(key in envelope)) return undefined;
  const value = envelope[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw runtimeError(
      `The value for the field '${field}' must be ${min === 1 ? 'a positive' : 'a non-negative'} integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

// What AWS accepts in a Wait state: a date, an upper-case T, a time and a zone (Date.parse takes far more).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function waitMs(envelope: Envelope, rt: TaskRuntime): number {
  const seconds = secondsFromPath(envelope, ENVELOPE.secondsPath, 'SecondsPath', 0) ?? envelope[ENVELOPE.seconds];
  if (typeof seconds === 'number') return seconds * 1000 * rt.waitScale;
  let timestamp = envelope[ENVELOPE.timestamp];
  if (ENVELOPE.timestampPath in envelope) {
    timestamp = envelope[ENVELOPE.timestampPath];
    if (typeof timestamp !== 'string' || !RFC3339.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
      throw runtimeError(
        `The value for the field 'TimestampPath' must be an RFC 3339 timestamp such as 2030-01-02T03:04:05Z, got ${JSON.stringify(timestamp)}`,
      );
    }
  }
  if (typeof timestamp === 'string') return (Date.parse(timestamp) - rt.now()) * rt.waitScale;
  return 0;
}
