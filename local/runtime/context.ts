import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface ContextOptions {
  functionName: string;
  functionArn: string;
  /** The function's configured timeout: getRemainingTimeInMillis counts down from it. */
  timeoutMs: number;
  memoryMb?: number;
  requestId?: string;
}

/**
 * The context object Lambda's Node.js runtime passes a handler. `done`/`fail` throw like the
 * legacy callbacks end an invocation with an error; nothing in this project calls them.
 */
export function lambdaContext(opts: ContextOptions, startedAt = Date.now()): Context {
  const fail = (error: Error | string) => {
    throw error instanceof Error ? error : new Error(error);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: opts.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: opts.functionArn,
    memoryLimitInMB: String(opts.memoryMb ?? 1024),
    awsRequestId: opts.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${opts.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, startedAt + opts.timeoutMs - Date.now()),
    done: (error) => (error ? fail(error) : undefined),
    fail,
    succeed: () => undefined,
  };
}
