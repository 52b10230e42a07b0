/**
 * All of `npm start`'s output goes through one Reporter: progress and results for a person
 * (stdout; nothing of it under --json), what a person must see even under --json (then on
 * stderr), and the one JSON report. The handlers share this process but not this channel: the
 * local Lambda runtime sends their writes elsewhere (local/runtime/logs.ts).
 */
export interface ReporterStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export class Reporter {
  /** Set once stdout's reader went away (EPIPE): nothing more is written there. */
  private stdoutClosed = false;

  constructor(
    readonly json: boolean,
    private readonly streams: ReporterStreams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  /** Progress and results for a person: stdout, silent under --json. */
  line(text: string): void {
    if (!this.json) this.stdout(`${text}\n`);
  }

  /** What a person must see whatever the format (prompts, the fake phone, endpoints): stderr under --json. */
  info(text: string): void {
    this.prompt(`${text}\n`);
  }

  /** Like info, without ending the line. */
  prompt(text: string): void {
    if (this.json) this.stderr(text);
    else this.stdout(text);
  }

  /** The one document --json prints. */
  report(doc: unknown): void {
    this.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  }

  /** --help, on stdout whatever the format. */
  help(text: string): void {
    this.stdout(text);
  }

  /** A problem, on stderr. */
  error(text: string): void {
    this.stderr(`${text}\n`);
  }

  /** Calls `handler` once stdout fails (its reader went away, `npm start | head`); nothing is written there after. */
  onStdoutFailed(handler: (error: NodeJS.ErrnoException) => void): void {
    this.streams.stdout.on('error', (error: NodeJS.ErrnoException) => {
      this.stdoutClosed = true;
      handler(error);
    });
  }

  private stdout(text: string): void {
    if (!this.stdoutClosed) this.streams.stdout.write(text);
  }

  private stderr(text: string): void {
    this.streams.stderr.write(text);
  }
}
