/**
 * The least one AWS SDK request can cost on this machine: the real SDK client (serialisation,
 * SigV4 signing, the HTTP round trip over loopback, parsing) against an in-process server that
 * answers at once. No emulator can answer faster than this, so it bounds what any local state
 * store, engine or callback path can cost per request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { median } from '../local/report';

/** Median wall time of one request, sent one after another after a warm-up. */
export async function medianRequestMs(send: () => Promise<unknown>, samples = 300, warmUp = 50): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < warmUp + samples; i++) {
    const t = performance.now();
    await send();
    if (i >= warmUp) times.push(performance.now() - t);
  }
  return median(times);
}

/** A loopback server that answers every request at once, as no emulator or API can beat. */
async function instantServer<T>(use: (url: string) => Promise<T>): Promise<T> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One request of the real SDK client (serialise, sign, send, parse). */
export function measureSdkRequestFloorMs(samples = 300, warmUp = 50): Promise<number> {
  return instantServer(async (endpoint) => {
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'floor', secretAccessKey: 'floor' } });
    try {
      return await medianRequestMs(
        () => client.send(new GetItemCommand({ TableName: 'floor', Key: { pk: { S: 'floor' } }, ConsistentRead: true })),
        samples,
        warmUp,
      );
    } finally {
      client.destroy();
    }
  });
}

/** One JSON POST with fetch, as the fake phone's webhook makes to POST /codes (unsigned here). */
export function measureHttpPostFloorMs(samples = 300, warmUp = 50): Promise<number> {
  return instantServer((url) =>
    medianRequestMs(
      async () => {
        const res = await fetch(`${url}/codes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"phoneNumber":"+15555550100","code":"123456"}',
        });
        await res.text();
      },
      samples,
      warmUp,
    ),
  );
}

/**
 * The fewest requests beyond the direct Cognito calls that any implementation of DESIGN §3–§5
 * has on its critical path per verification run, even one that carries everything but secrets in
 * state. Only requests that must follow one another count: the await task storing its token can
 * overlap with the SMS webhook (a code may arrive first), so per SMS step only the later of the two
 * stores counts.
 * - State store: take and release the phone lease (2, §4); per SMS step, store the code (or the
 *   token, whichever is later) and take the code (2 × 2, §3–§4); the challenge session (1, §3).
 * - Step Functions API: StartExecution, and SendTaskSuccess per SMS step (3).
 * - HTTP: each SMS code reaches POST /codes (2, §5).
 */
export const DESIGN_MINIMUM_STORE_REQUESTS = 2 + 2 * 2 + 1;
export const DESIGN_MINIMUM_ENGINE_REQUESTS = 1 + 2;
export const DESIGN_MINIMUM_CALLBACK_REQUESTS = 2;

/**
 * The smallest orchestration/direct ratio possible when the orchestrated run makes extra requests
 * that the direct path does not, each costing at least its floor, and everything else (engine,
 * Lambda code, the emulators' own work) costs nothing.
 */
export function ratioLowerBound(directMs: number, extra: Array<{ requests: number; ms: number }>): number {
  if (!(directMs > 0)) throw new RangeError(`directMs must be positive, got ${directMs}`);
  if (extra.some((e) => !(e.requests >= 0) || !(e.ms >= 0))) throw new RangeError('request counts and costs must not be negative');
  return (directMs + extra.reduce((sum, e) => sum + e.requests * e.ms, 0)) / directMs;
}
