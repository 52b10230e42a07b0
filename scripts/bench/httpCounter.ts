/**
 * Every SDK request of this process (the in-process Lambdas' too) goes through node:http's request,
 * which the SDK looks up on its first call: patched before that, it counts requests and their time
 * per emulator and per operation. The signing scope names the service; JSON protocols name the
 * operation in X-Amz-Target. Requests sent with fetch (webhooks, JWKS) are not seen.
 */
import http from 'node:http';

export interface HttpStat {
  count: number;
  ms: number;
}

const stats = new Map<string, HttpStat>();
let portNames = new Map<string, string>();
let installed = false;

/** Names the emulators by port (e.g. 'moto', 'cognito', 'sfn') in the keys of the counts. */
export function nameHttpPorts(names: Map<string, string>): void {
  portNames = names;
}

export function installHttpCounter(): void {
  if (installed) return;
  installed = true;
  const originalRequest = http.request;
  (http as { request: typeof http.request }).request = function patchedRequest(this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const req = (originalRequest as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    const o = args[0] as { port?: string | number; host?: string } | string | URL;
    const port = typeof o === 'string' ? new URL(o).port : o instanceof URL ? o.port : String(o?.port ?? '');
    const headers = (typeof o === 'object' && !(o instanceof URL) ? (o as { headers?: Record<string, string> }).headers : undefined) ?? {};
    const header = (h: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === h)?.[1];
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(header('authorization') ?? '')?.[1];
    const op = header('x-amz-target')?.split('.').pop() ?? '';
    req.once('close', () => {
      const name = portNames.get(port) ?? `:${port}`;
      const ms = performance.now() - started;
      for (const key of [name, `${name} ${[service, op].filter(Boolean).join('.') || 'request'}`]) {
        const s = stats.get(key) ?? { count: 0, ms: 0 };
        s.count++;
        s.ms += ms;
        stats.set(key, s);
      }
    });
    return req;
  } as typeof http.request;
}

export const snapshotHttp = () => new Map([...stats].map(([k, v]) => [k, { ...v }]));

/** Counts since a snapshot: keys are `<emulator>` and `<emulator> <service>.<Operation>`. */
export function httpDelta(before: Map<string, HttpStat>): Record<string, HttpStat> {
  const out: Record<string, HttpStat> = {};
  for (const [k, v] of stats) {
    const b = before.get(k) ?? { count: 0, ms: 0 };
    if (v.count - b.count) out[k] = { count: v.count - b.count, ms: v.ms - b.ms };
  }
  return out;
}
