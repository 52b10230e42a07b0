import { isTransientAwsError } from './errors';

/**
 * Runs `operation` again, after a short jittered pause, while it fails with a transient AWS error
 * (throttling, a 5xx, no answer). For the writes that come after something that must not happen
 * twice (an SMS sent, a code used): the state machine's Retry would repeat the whole task, and
 * with it that step, so these are retried in place instead. A refusal is thrown at once.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isTransientAwsError(error)) throw error;
      // Full jitter, doubling: a few hundred milliseconds in all, well inside the Lambda's timeout.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
