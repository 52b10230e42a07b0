/**
 * A timer for any delay. setTimeout takes at most 2^31 - 1 ms (about 24.8 days) and fires a longer
 * one at once (Node's TimeoutOverflowWarning; @sinonjs/fake-timers does the same, its `maxTimeout`),
 * so a fault a month into a simulated month would start and end at its beginning. The delay is
 * reached in steps instead.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function setLongTimeout(fn: () => void, delayMs: number): void {
  if (delayMs > MAX_TIMEOUT_MS) setTimeout(() => setLongTimeout(fn, delayMs - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS);
  else setTimeout(fn, delayMs);
}
