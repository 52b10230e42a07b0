import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { listen, readBody, type Listening, type ListenOptions } from './server';

/**
 * The AWS JSON 1.0 protocol as the SDK and the AWS CLI speak it: `POST /` with
 * `X-Amz-Target: <Service>.<Operation>` and a JSON body; the answer is JSON, an error carries its
 * name in `__type` (and `x-amzn-ErrorType`). Each emulator keeps its own operations and error
 * shapes; this is the HTTP around them.
 */
export const AWS_JSON_1_0 = 'application/x-amz-json-1.0';

/** One answer on the wire: an operation's output, or an error body with its `__type`. */
export interface AwsJsonAnswer {
  status: number;
  body: unknown;
  errorType?: string;
}

/**
 * Runs one request: the X-Amz-Target header (undefined when absent), the raw body, and the request
 * itself (for its method). Must not throw: every failure has a wire shape.
 */
export type AwsJsonHandler = (target: string | undefined, body: string, req: IncomingMessage) => AwsJsonAnswer;

/** Serves `handle` over HTTP (see `listen` for the port and host). */
export function startAwsJsonServer(handle: AwsJsonHandler, opts: ListenOptions = {}): Promise<Listening> {
  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        const target = req.headers['x-amz-target'];
        const answer = handle(Array.isArray(target) ? target[0] : target, raw, req);
        const payload = JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'Content-Type': AWS_JSON_1_0,
          'Content-Length': Buffer.byteLength(payload),
          'x-amzn-RequestId': randomUUID(),
          ...(answer.errorType && { 'x-amzn-ErrorType': answer.errorType }),
        });
        res.end(payload);
      },
      () => res.destroy(),
    );
  });
  return listen(server, opts);
}

/**
 * The request body as the JSON object an operation reads (an empty body is `{}`); anything else
 * throws the emulator's own SerializationException, made by `serializationError`.
 */
export function parseJsonObject(raw: string, serializationError: (message: string) => Error): Record<string, unknown> {
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw serializationError('The request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw serializationError('The request body must be a JSON object');
  return body as Record<string, unknown>;
}
