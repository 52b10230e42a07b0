import { statesTimeoutError } from './library';

export interface ClockOptions {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  signal: AbortSignal;
}

/** Marks the rejection used when the execution ends under a running task (stop, failure elsewhere). */
export function executionClosedError(): Error {
  const err = new Error('The execution was closed while this task was running');
  err.name = 'States.ExecutionClosed';
  // Read by the library: nothing in the definition may retry or catch a closed execution.
  return Object.assign(err, { isRetryable: false, isCatchable: false });
}

/**
 * The task's deadlines: `TimeoutSeconds` from start, `HeartbeatSeconds` from start or the last
 * heartbeat, and the end of the execution. `expired` rejects with the error AWS would raise.
 */
export class TaskClock {
  readonly expired: Promise<never>;
  private reject!: (err: Error) => void;
  private timeoutTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly onAbort = () => this.fire(executionClosedError());

  constructor(private readonly opts: ClockOptions) {
    this.expired = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    // Rejections after the race is decided are expected and must not surface as unhandled.
    this.expired.catch(() => undefined);
    if (opts.signal.aborted) {
      this.onAbort();
      return;
    }
    opts.signal.addEventListener('abort', this.onAbort, { once: true });
    if (opts.timeoutSeconds !== undefined) {
      this.timeoutTimer = setTimeout(() => {
        void statesTimeoutError('Task timed out').then((err) => this.fire(err));
      }, opts.timeoutSeconds * 1000);
    }
    this.heartbeat();
  }

  heartbeat(): void {
    if (this.opts.heartbeatSeconds === undefined) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      const err = new Error('Task heartbeat timed out');
      err.name = 'States.HeartbeatTimeout';
      this.fire(err);
    }, this.opts.heartbeatSeconds * 1000);
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  stop(): void {
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    this.opts.signal.removeEventListener('abort', this.onAbort);
  }

  private fire(err: Error): void {
    this.stop();
    this.reject(err);
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(executionClosedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(executionClosedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
