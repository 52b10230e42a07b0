import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { lambdaArn, PROJECT_ROOT, type FunctionConfig, type ServerlessConfig } from './serverlessConfig';

/**
 * "Lambda" for the local cloud: each function ARN resolves to the handler serverless.yml
 * declares for it, called in-process with a Lambda-like context. Payload and result go through
 * JSON like Lambda's, so anything that would not survive the real service fails here too.
 */
export interface Invocation { functionName: string; ms: number; ok: boolean; errorName?: string }

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalLambda {
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
  arnOf(fn: FunctionConfig): string;
  invocations: Invocation[];
}

export function createLocalLambda(config: ServerlessConfig, opts: { stage: string; region: string; accountId: string }): LocalLambda {
  const arnOf = (fn: FunctionConfig) => lambdaArn(config.service, opts.stage, fn.name, opts.region, opts.accountId);
  const byArn = new Map(config.functions.map((fn) => [arnOf(fn), fn]));
  const handlers = new Map<string, Handler>();
  const invocations: Invocation[] = [];

  const load = (fn: FunctionConfig): Handler => {
    let handler = handlers.get(fn.name);
    if (!handler) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler's path comes from serverless.yml at run time
      const mod = require(join(PROJECT_ROOT, fn.module)) as Record<string, unknown>;
      if (typeof mod[fn.exportName] !== 'function') throw new Error(`${fn.module} exports no function ${fn.exportName} (serverless.yml functions.${fn.name}.handler)`);
      handler = mod[fn.exportName] as Handler;
      handlers.set(fn.name, handler);
    }
    return handler;
  };

  async function invoke(functionArn: string, payload: unknown): Promise<unknown> {
    const fn = byArn.get(functionArn.replace(/:(\$LATEST|\d+)$/, ''));
    if (!fn) throw Object.assign(new Error(`Function not found: ${functionArn}`), { name: 'Lambda.ResourceNotFoundException' });
    const started = performance.now();
    const context = lambdaContext(functionArn, `${config.service}-${opts.stage}-${fn.name}`);
    try {
      const result = await load(fn)(JSON.parse(JSON.stringify(payload ?? {})), context);
      invocations.push({ functionName: fn.name, ms: performance.now() - started, ok: true });
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      invocations.push({ functionName: fn.name, ms: performance.now() - started, ok: false, errorName: name });
      throw error;
    }
  }

  return { invoke, arnOf, invocations };
}

function lambdaContext(functionArn: string, functionName: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
