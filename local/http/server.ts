import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local emulator's HTTP server once it listens. */
export interface Listening {
  url: string;
  port: number;
  /** Stops the server, dropping keep-alive connections (an SDK client's would otherwise hold it open). */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the emulators have no authentication, so they stay on loopback unless asked. */
  host?: string;
}

/** Starts `server` listening; rejects if it cannot (the port is taken, the host is not local). */
export function listen(server: Server, opts: ListenOptions = {}): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      // A URL names a host to dial: an IPv6 address in brackets, the wildcard as loopback.
      const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({ url: `http://${urlHost}:${port}`, port, close });
    });
  });
}

/** The whole request body, as UTF-8. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
