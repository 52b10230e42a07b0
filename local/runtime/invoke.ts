import { randomUUID } from 'node:crypto';
import { lambdaContext } from './context';
import type { Handler } from './handlers';
import { inInvocation } from './logs';

export interface RunOptions {
  functionName: string;
  functionArn: string;
  timeoutMs: number;
  memoryMb?: number;
}

/** How one invocation ended: never a thrown error, so every caller records it the same way. */
export type Outcome = { requestId: string; ms: number } & ({ ok: true; result: unknown } | { ok: false; error: Error });

/**
 * Lambda's timeout, as Step Functions and the Invoke API report it (`Sandbox.Timedout`, "Task
 * timed out after 10.00 seconds"). An in-process handler cannot be frozen like a container: it
 * runs on, and whatever it returns later is dropped.
 */
export class LambdaTimeoutError extends Error {
  override name = 'Sandbox.Timedout';
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

/**
 * Lambda shapes whatever a Node.js handler throws into `{ errorType, errorMessage, trace }`:
 * an Error keeps its name, message and stack; anything else becomes an Error carrying its text.
 */
export function shapeError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const error = new Error(typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown)));
  error.name = 'Error';
  return error;
}

/**
 * One invocation, as Lambda's Node.js runtime makes it: the event and the result pass through
 * JSON (what would not survive the real service fails here too), the handler gets a Lambda
 * context, its writes are attributed to it (logs.ts), and it may run for the function's timeout.
 */
export async function runHandler(handler: Handler, payload: unknown, opts: RunOptions): Promise<Outcome> {
  const requestId = randomUUID();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(opts.timeoutMs)), opts.timeoutMs);
    // A timer alone must not keep a finished program alive.
    timer.unref();
  });
  try {
    const event = JSON.parse(JSON.stringify(payload ?? {})) as unknown;
    const context = lambdaContext({ ...opts, requestId });
    const returned = await Promise.race([
      inInvocation({ functionName: opts.functionName, requestId }, () => handler(event, context)),
      timedOut,
    ]);
    const result = returned === undefined ? null : (JSON.parse(JSON.stringify(returned)) as unknown);
    return { ok: true, result, requestId, ms: performance.now() - started };
  } catch (thrown) {
    return { ok: false, error: shapeError(thrown), requestId, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
