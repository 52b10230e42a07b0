import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test helpers for code that POSTs somewhere (the fake phone's webhook deliveries): a loopback
 * server that records each request and answers what the test says, and a URL where nothing listens.
 */
export interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  /** Every request so far, in order; a test may empty it. */
  received: Received[];
  close(): Promise<void>;
}

/** Answers each request with what `answer()` returns at that moment. */
export async function startReceiver(answer: () => { status: number; contentType: string; body: string }): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const { status, contentType, body } = answer();
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL that refuses connections: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * Spies on stdout, stderr, console.log and console.error while `run` goes on, then expects that
 * nothing written holds `secret`.
 */
export async function expectNothingWritten(secret: string, run: () => Promise<void>): Promise<void> {
  const writes = [
    jest.spyOn(process.stdout, 'write'),
    jest.spyOn(process.stderr, 'write'),
    jest.spyOn(console, 'log'),
    jest.spyOn(console, 'error'),
  ];
  try {
    await run();
    for (const spy of writes) {
      for (const call of spy.mock.calls) expect(String(call[0])).not.toContain(secret);
    }
  } finally {
    for (const spy of writes) spy.mockRestore();
  }
}
