import { AsyncLocalStorage } from 'node:async_hooks';

/** One write a handler made to stdout or stderr, with the invocation that made it. */
export interface LambdaLogChunk {
  functionName: string;
  requestId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Where the handlers' own output goes: their writes are their CloudWatch Logs stream on AWS. */
export type LambdaLogSink = 'inherit' | 'stderr' | 'discard' | ((chunk: LambdaLogChunk) => void);

const invocation = new AsyncLocalStorage<{ functionName: string; requestId: string }>();

/** Runs `fn` as one invocation: what it writes (and what its awaits write) is attributed to it. */
export function inInvocation<T>(meta: { functionName: string; requestId: string }, fn: () => Promise<T>): Promise<T> {
  return invocation.run(meta, fn);
}

type Write = typeof process.stdout.write;

/**
 * The handlers run in this process and write their logs (Powertools JSON, EMF metrics) to the
 * process's stdout and stderr, as they write to a Lambda container's. Lambda keeps those apart
 * from any other program's output; here the only place they can be told apart is the write, so
 * while a sink other than `inherit` is set, a write made inside an invocation (AsyncLocalStorage
 * follows its awaits) goes to the sink and every other write passes unchanged. Set once by the
 * local Lambda runtime that owns the handlers; the returned function puts the streams back.
 */
export function captureLambdaLogs(sink: LambdaLogSink): () => void {
  if (sink === 'inherit') return () => undefined;
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const toStderr = (chunk: LambdaLogChunk) => void originals.stderr.call(process.stderr, chunk.text);
  const deliver = sink === 'discard' ? () => undefined : sink === 'stderr' ? toStderr : sink;
  const divert = (stream: 'stdout' | 'stderr'): Write =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const meta = invocation.getStore();
      if (!meta) return (originals[stream] as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      deliver({ ...meta, stream, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8') });
      // Honour the write callback, as a stream that accepted the chunk would.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    } as Write;
  process.stdout.write = divert('stdout');
  process.stderr.write = divert('stderr');
  return () => {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  };
}
