import { lambdaArn, PROJECT_ROOT, type FunctionConfig, type ServerlessConfig } from '../serverlessConfig';
import { loadHandler } from './handlers';
import { runHandler } from './invoke';
import { captureLambdaLogs, type LambdaLogSink } from './logs';

/**
 * "Lambda" for the local cloud: each function ARN resolves to the handler serverless.yml
 * declares for it, run in this process by runHandler (context, timeout, JSON, logs). Every
 * caller goes through `invoke`: the Step Functions engine's tasks, the SNS and EventBridge
 * routers, Cognito's Custom SMS Sender, the HTTP API's routes (local/api/server.ts viaLocalLambda).
 */

/** Who invoked: a Step Functions execution (with its ARN), an event source, the HTTP API, or a direct call (tests). */
export type Trigger = { source: 'states'; executionArn: string } | { source: 'sns' | 'events' | 'cognito' | 'http' | 'direct' };

export interface Invocation {
  functionName: string;
  requestId: string;
  ms: number;
  ok: boolean;
  errorName?: string;
  trigger: Trigger;
}

export type InvocationListener = (invocation: Invocation) => void;

export interface LocalLambda {
  invoke(functionArn: string, payload: unknown, trigger?: Trigger): Promise<unknown>;
  arnOf(fn: FunctionConfig): string;
  /** Every invocation so far, finished ones, in the order they finished. */
  invocations: Invocation[];
  /** Tells `listener` about each invocation as it finishes; returns the unsubscribe function. */
  onInvoke(listener: InvocationListener): () => void;
  /** Puts stdout/stderr back if `logs` diverted them. */
  close(): void;
}

export interface LocalLambdaOptions {
  stage: string;
  region: string;
  accountId: string;
  /** Where the handlers' writes go (logs.ts); default `inherit`, the process's own streams. */
  logs?: LambdaLogSink;
  root?: string;
}

const notFound = (functionArn: string) =>
  Object.assign(new Error(`Function not found: ${functionArn}`), { name: 'Lambda.ResourceNotFoundException' });

export function createLocalLambda(config: ServerlessConfig, opts: LocalLambdaOptions): LocalLambda {
  const arnOf = (fn: FunctionConfig) => lambdaArn(config.service, opts.stage, fn.name, opts.region, opts.accountId);
  const byArn = new Map(config.functions.map((fn) => [arnOf(fn), fn]));
  const invocations: Invocation[] = [];
  const listeners = new Set<InvocationListener>();
  const restoreStreams = captureLambdaLogs(opts.logs ?? 'inherit');

  async function invoke(functionArn: string, payload: unknown, trigger: Trigger = { source: 'direct' }): Promise<unknown> {
    // A qualified ARN (`:$LATEST`, a version) names the same function here.
    const fn = byArn.get(functionArn.replace(/:(\$LATEST|\d+)$/, ''));
    if (!fn) throw notFound(functionArn);
    const handler = loadHandler(fn, opts.root ?? PROJECT_ROOT);
    const outcome = await runHandler(handler, payload, {
      functionName: `${config.service}-${opts.stage}-${fn.name}`,
      functionArn,
      timeoutMs: fn.timeoutSeconds * 1000,
      memoryMb: fn.memoryMb,
    });
    const invocation: Invocation = {
      functionName: fn.name,
      requestId: outcome.requestId,
      ms: outcome.ms,
      ok: outcome.ok,
      ...(!outcome.ok && { errorName: outcome.error.name }),
      trigger,
    };
    invocations.push(invocation);
    for (const listener of [...listeners]) {
      try {
        listener(invocation);
      } catch {
        // An observer's bug must not fail the function.
      }
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  const onInvoke = (listener: InvocationListener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return { invoke, arnOf, invocations, onInvoke, close: restoreStreams };
}
