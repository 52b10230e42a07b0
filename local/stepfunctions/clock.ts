import { statesTimeoutError } from './library';

export interface ClockOptions {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  signal: AbortSignal;
}

/** Node's timers fire after 1 ms above this delay; AWS allows timeouts of up to 99,999,999 s. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A setTimeout for any delay: longer ones are waited out in steps that Node can keep. */
export function setLongTimeout(fn: () => void, ms: number): { clear(): void } {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number) => {
    timer = setTimeout(
      () => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : fn()),
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
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
  private timeoutTimer?: { clear(): void };
  private heartbeatTimer?: { clear(): void };
  private beats = 0;
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
      this.timeoutTimer = setLongTimeout(() => {
        void statesTimeoutError('Task timed out').then((err) => this.fire(err));
      }, opts.timeoutSeconds * 1000);
    }
    this.heartbeat();
  }

  heartbeat(): void {
    if (this.opts.heartbeatSeconds === undefined) return;
    this.heartbeatTimer?.clear();
    const beat = ++this.beats;
    this.heartbeatTimer = setLongTimeout(() => {
      // A heartbeat timeout is a kind of States.Timeout on AWS: States.TaskFailed does not match it
      // (the library decides that by the timeout class), and `States.Timeout` retriers and catchers
      // do (definition.ts adds States.HeartbeatTimeout next to them).
      void statesTimeoutError('Task heartbeat timed out').then((err) => {
        err.name = 'States.HeartbeatTimeout';
        // A heartbeat that arrived while the error was being made keeps the task alive.
        if (beat === this.beats) this.fire(err);
      });
    }, this.opts.heartbeatSeconds * 1000);
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  stop(): void {
    this.timeoutTimer?.clear();
    this.heartbeatTimer?.clear();
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
      timer.clear();
      reject(executionClosedError());
    };
    const timer = setLongTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
