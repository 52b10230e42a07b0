/** The two streams a reservation works on; process.stdout and process.stderr unless a test passes its own. */
interface Streams {
  out: { write: NodeJS.WriteStream['write'] };
  err: { write: NodeJS.WriteStream['write'] };
}

export interface ReservedStdout {
  /** Writes to the real stdout: the one document. */
  write(text: string): void;
  /** Puts stdout's own write back. */
  restore(): void;
}

/**
 * `--json` promises one JSON document on stdout, read by a program (`JSON.parse` of all of it). The
 * bench runs a local cloud in its process, whose handlers, emulators and libraries may write: their
 * Lambda lines already go to stderr (the runtime's log sink), and this holds the promise for whatever
 * else does, by sending every other stdout write to stderr until `restore`, where a person still
 * sees it and no parser does.
 */
export function reserveStdout(streams: Streams = { out: process.stdout, err: process.stderr }): ReservedStdout {
  const { out, err } = streams;
  const own = out.write;
  out.write = ((...args: Parameters<NodeJS.WriteStream['write']>) =>
    (err.write as (...a: unknown[]) => boolean).apply(err, args)) as NodeJS.WriteStream['write'];
  return {
    write: (text) => void (own as (chunk: string) => boolean).call(out, text),
    restore: () => void (out.write = own),
  };
}
