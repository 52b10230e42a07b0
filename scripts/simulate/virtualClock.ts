/**
 * The simulation's virtual clock: @sinonjs/fake-timers on Date, setTimeout and setInterval of this
 * process (the local cloud, its Step Functions engine and the in-process Lambdas all read them),
 * while I/O (loopback HTTP to moto, cognito-local, the engine's API) runs for real. Time jumps to
 * the next timer only when nothing is in flight: no HTTP request of this process open (client or
 * server side, seen on node:diagnostics_channel), no Lambda invocation running, and the event loop
 * has turned a few times with nothing new. Jumping while a request is open would fire its Lambda's
 * 30 s timeout or a task's deadline in the middle of real work.
 */
import diagnostics from 'node:diagnostics_channel';
import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

// Taken before the clock is installed: fake-timers also fakes node:timers and node:timers/promises.
const nativeSetTimeout = globalThis.setTimeout;
const nativeSetInterval = globalThis.setInterval;
const nativeSetImmediate = globalThis.setImmediate;
const realSleep = (ms: number) => new Promise<void>((resolve) => nativeSetTimeout(resolve, ms));
const realImmediate = () => new Promise<void>((resolve) => nativeSetImmediate(resolve));

export interface VirtualClock {
  readonly clock: InstalledClock;
  /** Virtual epoch ms. */
  now(): number;
  /** Counts a piece of real I/O as in flight until it settles: the clock does not move meanwhile. */
  track<T>(work: Promise<T>): Promise<T>;
  /**
   * Marks a Lambda invocation as running until it settles. Not "in flight": a handler may wait on a
   * timer (the SDK's backoff after TooManyRequestsException), which only a moving clock ends; but
   * the clock moves past a running one only after a real pause with no I/O at all.
   */
  running<T>(work: Promise<T>): Promise<T>;
  /** Runs the virtual clock until `until` (epoch ms) or `stop()`; timers at `until` fire. */
  runUntil(until: number, stop?: () => boolean): Promise<void>;
  /** Real wall time the clock spent waiting for the system to go idle, and jumps made. */
  stats(): { idleWaitMs: number; jumps: number };
  uninstall(): void;
}

export function installVirtualClock(start: number): VirtualClock {
  let inFlight = 0;
  let activity = 0;
  const begin = () => {
    inFlight++;
    activity++;
  };
  const end = () => {
    inFlight--;
    activity++;
  };
  // Node's own HTTP channels: a client request is open from start to its response's end (or error),
  // a server request from start to its response's finish.
  const openClient = new WeakSet<object>();
  const clientStart = ({ request }: { request: object }) => {
    openClient.add(request);
    begin();
    const r = request as import('node:http').ClientRequest;
    const done = () => {
      if (openClient.delete(request)) end();
    };
    r.once('close', done);
  };
  const openServer = new WeakSet<object>();
  const serverStart = ({ response }: { response: object }) => {
    openServer.add(response);
    begin();
    const r = response as import('node:http').ServerResponse;
    const done = () => {
      if (openServer.delete(response)) end();
    };
    r.once('close', done);
  };
  // Fetch (undici) requests: the webhook routes, JWKS.
  const undiciOpen = new WeakSet<object>();
  const undiciCreate = ({ request }: { request: object }) => {
    undiciOpen.add(request);
    begin();
  };
  const undiciDone = ({ request }: { request: object }) => {
    if (undiciOpen.delete(request)) end();
  };
  const subs: [string, (m: never) => void][] = [
    ['http.client.request.start', clientStart],
    ['http.server.request.start', serverStart],
    ['undici:request:create', undiciCreate],
    ['undici:request:trailers', undiciDone],
    ['undici:request:error', undiciDone],
  ];
  for (const [name, fn] of subs) diagnostics.subscribe(name, fn as (m: unknown) => void);

  const clock = FakeTimers.install({
    now: start,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    loopLimit: 1_000_000,
    // The SDK clears timers it set before the clock was installed (keep-alive sockets of the provisioning run).
    shouldClearNativeTimers: true,
  });
  let idleWaitMs = 0;
  let runningCount = 0;
  if (process.env.SIMULATE_DEBUG) {
    nativeSetInterval(
      () =>
        process.stderr.write(
          `watchdog: in flight ${inFlight}, activity ${activity}, now ${new Date(clock.now).toISOString()}, timers ${clock.countTimers()}\n`,
        ),
      3000,
    ).unref();
  }
  let jumps = 0;

  /** Waits (real time) until nothing has been in flight for a few turns of the event loop. */
  const settle = async () => {
    const t = performance.now();
    let quiet = 0;
    while (quiet < 3) {
      const seen = activity;
      await realImmediate();
      // A running Lambda between two requests (reading a handler module, a crypto call): give it real time.
      if (quiet === 2 && runningCount > 0) await realSleep(2);
      if (inFlight > 0) {
        quiet = 0;
        if (process.env.SIMULATE_DEBUG && performance.now() - t > 5000) {
          process.stderr.write(
            `settle: ${inFlight} in flight for ${Math.round(performance.now() - t)} ms at ${new Date(clock.now).toISOString()}\n`,
          );
        }
        await realSleep(1);
      } else if (activity !== seen) quiet = 0;
      if (process.env.SIMULATE_DEBUG && performance.now() - t > 5000 && quiet === 0)
        process.stderr.write(`settle: in flight ${inFlight}, activity ${activity}\n`);
      else quiet++;
    }
    idleWaitMs += performance.now() - t;
  };

  return {
    clock,
    now: () => clock.now,
    track: <T>(work: Promise<T>) => {
      begin();
      return work.finally(end);
    },
    running: <T>(work: Promise<T>) => {
      runningCount++;
      activity++;
      return work.finally(() => {
        runningCount--;
        activity++;
      });
    },
    async runUntil(until, stop) {
      for (;;) {
        await settle();
        if (stop?.()) return;
        // The earliest timer: the library keeps them in a heap (no public peek without firing it).
        const next = (clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap?.peek();
        const at = next ? next.callAt : Infinity;
        if (at > until) {
          if (clock.now < until) clock.setSystemTime(until);
          return;
        }
        // Fires every timer due at `at` (and their microtasks), nothing later.
        await clock.tickAsync(Math.max(0, at - clock.now));
        jumps++;
        if (process.env.SIMULATE_DEBUG)
          process.stderr.write(`jump ${jumps} to ${new Date(clock.now).toISOString()} (${Math.round(performance.now())} ms real)\n`);
      }
    },
    stats: () => ({ idleWaitMs, jumps }),
    uninstall() {
      clock.uninstall();
      for (const [name, fn] of subs) diagnostics.unsubscribe(name, fn as (m: unknown) => void);
    },
  };
}
