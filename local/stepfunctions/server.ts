import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStepFunctions } from './engine';
import { CONTENT_TYPE, handleRequest } from './protocol';

export interface StepFunctionsServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the service has no authentication, so it stays on loopback unless asked. */
  host?: string;
}

export interface StepFunctionsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the engine as a Step Functions endpoint for the SDK (`endpoint: url`) and the AWS CLI (`--endpoint-url`). */
export function startStepFunctionsServer(engine: LocalStepFunctions, opts: StepFunctionsServerOptions = {}): Promise<StepFunctionsServer> {
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const target = req.headers['x-amz-target'];
        const answer = handleRequest(engine, Array.isArray(target) ? target[0] : target, body);
        const payload = JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'Content-Type': CONTENT_TYPE,
          'Content-Length': Buffer.byteLength(payload),
          'x-amzn-RequestId': randomUUID(),
          ...(answer.errorType && { 'x-amzn-ErrorType': answer.errorType }),
        });
        res.end(payload);
      },
      () => res.destroy(),
    );
  });
  // Keep-alive sockets from SDK clients would otherwise hold close() open.
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = opts.host ?? '127.0.0.1';
      const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({ url: `http://${urlHost}:${port}`, port, close });
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
