/**
 * What every fake-phone route shares: it runs on a timer, "the network" taking `delayMs`, where a
 * throw would crash the process; so a delivery never throws, reports its outcome to an observer
 * instead, and an observer's own bug is swallowed. Nothing here logs: a message holds a code.
 */

/** Wraps an observer so that its throw can never become an unhandled rejection. */
export function observer<A extends unknown[]>(onResult: ((...args: A) => void) | undefined): (...args: A) => void {
  return (...args) => {
    try {
      onResult?.(...args);
    } catch {
      // An observer's bug must not become an unhandled rejection.
    }
  };
}

/** Runs `deliver` once `delayMs` (default 0) have passed; fire and forget, so `deliver` must not reject. */
export function afterDelay(delayMs: number | undefined, deliver: () => Promise<void>): void {
  setTimeout(() => void deliver(), Math.max(0, delayMs ?? 0));
}

/**
 * POSTs what `request()` builds and reads the answer: its status and body (JSON parsed, anything
 * else as text), or status 0 and the error's name and message when there was no HTTP answer (the
 * request could not be built or sent, or no answer came in `timeoutMs`, default 10 s). Never throws.
 */
export async function post(
  url: string,
  request: () => { headers: Record<string, string>; body: string },
  timeoutMs = 10_000,
): Promise<{ status: number; body: unknown }> {
  try {
    const { headers, body } = request();
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: parse(await res.text()) };
  } catch (error) {
    return { status: 0, body: { error: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) } };
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
