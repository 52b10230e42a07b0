import { constants } from 'node:os';
import type { Reporter } from './reporter';

/** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, 141 for SIGPIPE: what a shell reports for a process a signal ended. */
export const interruptedExit = (signal: NodeJS.Signals) => 128 + (constants.signals[signal] ?? 15);

/**
 * Stopping `npm start` cleanly whatever happens: Ctrl-C, SIGTERM or SIGHUP (the terminal closed)
 * at any point closes what was opened (the cloud, moto included) and exits 128+n; a second,
 * deliberate signal exits at once; stdout closing under us (`npm start | head`) stops it like
 * SIGPIPE would, quietly. Under --keep-running a signal is the expected way to stop.
 */
export class Lifecycle {
  /** Set on the first stop signal: what fails after it (moto killed mid-start, say) is the interruption, not an error. */
  interruptedBy: NodeJS.Signals | undefined;
  private readonly closers: (() => unknown)[] = [];
  private closing: Promise<void> | undefined;
  private signalledAt: number | undefined;
  private releaseKeepRunning: (() => void) | undefined;

  watch(reporter: Reporter): void {
    // SIGHUP: the terminal was closed. moto runs in its own process group, so it never gets that one.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, (s: NodeJS.Signals) => this.onSignal(s, reporter));
    // Any other stdout error ends the output too, and still closes the cloud.
    reporter.onStdoutFailed((error) => {
      if (error.code !== 'EPIPE') reporter.error(`stdout failed (${error.code ?? error.message}): closing the local cloud`);
      if (this.signalledAt === undefined) this.onSignal('SIGPIPE', reporter);
    });
  }

  /** Run by shutdown, the last registered first. */
  onShutdown(closer: () => unknown): void {
    this.closers.push(closer);
  }

  /** Closes everything registered, once; later calls get the same promise. */
  shutdown(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer();
        } catch {
          // One failing closer must not keep the others (moto) open.
        }
      }
    })());
  }

  /** --keep-running: resolves on the first stop signal. */
  untilStopped(): Promise<void> {
    return new Promise<void>((resolve) => (this.releaseKeepRunning = resolve));
  }

  private onSignal(signal: NodeJS.Signals, reporter: Reporter): void {
    if (this.releaseKeepRunning) return this.releaseKeepRunning();
    if (this.signalledAt !== undefined) {
      // tsx may relay the terminal's Ctrl-C a moment later: only a second, deliberate one forces the exit.
      if (performance.now() - this.signalledAt > 1000) process.exit(interruptedExit(signal));
      return;
    }
    this.signalledAt = performance.now();
    this.interruptedBy = signal;
    reporter.error(`\n${signal}: closing the local cloud…`);
    void this.shutdown().finally(() => process.exit(interruptedExit(signal)));
  }
}
