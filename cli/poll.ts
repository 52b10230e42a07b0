/**
 * How the CLI polls AWS without hammering it: waits that grow while nothing changes (250 ms up to
 * 2 s) and start small again when something does, and `ThrottlingException` ridden out (wait,
 * then ask again) instead of ending the command. The SDK has already retried a throttled call a
 * few times before it reaches us; a throttled call did not happen, so asking again is safe.
 */
export interface PollOptions {
  /** First and shortest wait between polls, in ms (default 250). */
  minMs?: number;
  /** Longest wait between polls, in ms (default 2000). */
  maxMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, spreads throttled retries of several CLIs apart; injectable for tests (default Math.random). */
  random?: () => number;
  /** Told of each throttled call before its retry (e.g. to say why the output pauses). */
  onThrottled?: (info: { operation: string; waitMs: number }) => void;
}

export const DEFAULT_MIN_MS = 250;
export const DEFAULT_MAX_MS = 2000;

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

/** AWS telling the caller to slow down: by name, or by the SDK's own throttling mark. */
export function isThrottling(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; $retryable?: { throttling?: boolean } };
  return (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) || e.$retryable?.throttling === true;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait between polls: doubles from min to max while polls find nothing new, back to min when one does. */
export class Backoff {
  private current: number;
  readonly min: number;
  readonly max: number;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onThrottled?: PollOptions['onThrottled'];

  constructor(opts: PollOptions = {}) {
    this.min = opts.minMs ?? DEFAULT_MIN_MS;
    this.max = Math.max(this.min, opts.maxMs ?? DEFAULT_MAX_MS);
    this.current = this.min;
    this.sleepFn = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.onThrottled = opts.onThrottled;
  }

  /** Something changed: poll again soon. */
  reset(): void {
    this.current = this.min;
  }

  /** Waits the current delay, then makes the next one longer (up to max). */
  async wait(): Promise<void> {
    const ms = this.current;
    this.current = Math.min(this.current * 2, this.max);
    await this.sleepFn(ms);
  }

  /**
   * Runs one AWS call; on throttling waits (longer each time, up to max, with jitter) and asks
   * again, for as long as it takes. Any other error propagates.
   */
  async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    let delay = this.min;
    for (;;) {
      try {
        return await send();
      } catch (error) {
        if (!isThrottling(error)) throw error;
        delay = Math.min(delay * 2, this.max);
        // Half fixed, half random: retries of several clients spread apart.
        const waitMs = Math.round(delay / 2 + (delay / 2) * this.random());
        this.onThrottled?.({ operation, waitMs });
        // Polling after a throttle starts from the longer wait too.
        this.current = Math.max(this.current, delay);
        await this.sleepFn(waitMs);
      }
    }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of the results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
