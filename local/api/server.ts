import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { listen, type Listening } from '../http/server';
import { loadHandler, type Handler } from '../runtime/handlers';
import { runHandler } from '../runtime/invoke';
import type { LocalLambda } from '../runtime/lambda';
import { PROJECT_ROOT, readServerlessConfig, type ServerlessConfig } from '../serverlessConfig';

/**
 * The callback API on loopback, as API Gateway HTTP API (payload format 2.0) would serve it: each
 * real HTTP request becomes the proxy event the deployed Lambda gets, and the handler's result is
 * written back the way API Gateway writes it. Routes come from serverless.yml, so method and path
 * are declared once.
 */
export interface HttpRoute {
  method: string;
  path: string;
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  /** The function's key in serverless.yml; the Lambda context's functionName. */
  name?: string;
  /** The function's timeout (serverless.yml `timeout`); default 30 s, HTTP API's integration limit. */
  timeoutSeconds?: number;
}

export type ApiServer = Listening;

/**
 * Runs a route's function for one request: resolves with what it returned, rejects with its
 * error when it failed or timed out. The server answers every rejection as API Gateway does.
 */
export type RouteInvoker = (route: HttpRoute, event: APIGatewayProxyEventV2) => Promise<unknown>;

export interface ApiServerOptions {
  port?: number;
  host?: string;
  /** How a route's function runs; default: its handler in this process (runHandler), seen by no Lambda runtime. */
  invoke?: RouteInvoker;
}

/** Far below HTTP API's 10 MB, far above anything the callback accepts; stops a runaway client early. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * HTTP API answers an unmatched route, including a known path with another method, with
 * 404 `{"message":"Not Found"}` (REST APIs answer 403 "Missing Authentication Token" instead).
 */
const NOT_FOUND = { statusCode: 404, body: { message: 'Not Found' } };
const TOO_LARGE = { statusCode: 413, body: { message: 'Request Entity Too Large' } };
const INTERNAL = { statusCode: 500, body: { message: 'Internal Server Error' } };

export function startApiServer(routes: HttpRoute[], opts: ApiServerOptions = {}): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const compiled = routes.map(compileRoute).sort(bySpecificity);
  const invoke = opts.invoke ?? runInProcess;
  const server = createServer((req, res) => {
    handle(compiled, invoke, req, res).catch((error: unknown) => {
      // Only reached if writing the answer itself failed; the connection is beyond saving.
      process.stderr.write(`local api: ${(error as Error)?.name ?? 'Error'} while answering ${req.method} ${req.url?.split('?')[0]}\n`);
      res.destroy();
    });
  });
  return listen(server, { port: opts.port, host });
}

/** One HTTP route per `httpApi` (or `http`) event of every function in serverless.yml. */
export function routesFromServerlessConfig(config: ServerlessConfig = readServerlessConfig(), root = PROJECT_ROOT): HttpRoute[] {
  return config.functions.flatMap((fn) => {
    if (fn.httpEvents.length === 0) return [];
    // Loaded as the Lambda runtime loads it (local/runtime), so one module instance serves both.
    const handler = loadHandler(fn, root) as HttpRoute['handler'];
    return fn.httpEvents.map((e) => ({ method: e.method, path: e.path, handler, name: fn.name, timeoutSeconds: fn.timeoutSeconds }));
  });
}

/** A route's handler run directly, with the Lambda context and timeout the route declares (tests without a local cloud). */
const runInProcess: RouteInvoker = async (route, event) => {
  const functionName = route.name ?? 'local';
  const outcome = await runHandler(route.handler as Handler, event, {
    functionName,
    functionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:${process.env.AWS_ACCOUNT_ID ?? '123456789012'}:function:${functionName}`,
    timeoutMs: (route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
};

/**
 * Each route's function invoked through the local cloud's one Lambda runtime, as API Gateway's
 * Lambda integration invokes it: counted in its invocations and seen by its onInvoke observers
 * with trigger `http`, with the function's own timeout and context.
 */
export function viaLocalLambda(lambda: LocalLambda, config: ServerlessConfig): RouteInvoker {
  const byName = new Map(config.functions.map((fn) => [fn.name, fn]));
  return (route, event) => {
    const fn = route.name === undefined ? undefined : byName.get(route.name);
    if (!fn) return Promise.reject(new Error(`${route.method} ${route.path} names no function of serverless.yml`));
    return lambda.invoke(lambda.arnOf(fn), event, { source: 'http' });
  };
}

interface CompiledRoute {
  route: HttpRoute;
  method: string;
  routeKey: string;
  greedy: boolean;
  variables: number;
  segments: number;
  match: (path: string) => Record<string, string> | undefined;
}

/**
 * HTTP API tries the most specific route first: a full match, then routes with path variables
 * (fewest first), then greedy ones (longest first, so /runs/{proxy+} before /{proxy+}).
 */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  if (a.greedy) return b.segments - a.segments || a.variables - b.variables;
  return a.variables - b.variables;
}

/** `/codes`, `/runs/{runId}`, `/files/{proxy+}`, as HTTP API route paths are written. */
function compileRoute(route: HttpRoute): CompiledRoute {
  const method = route.method === '*' ? 'ANY' : route.method.toUpperCase();
  const names: string[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${pattern}$`);
  const greedy = /\{[^}]+\+\}/.test(route.path);
  return {
    route,
    method,
    routeKey: `${method} ${route.path}`,
    greedy,
    variables: names.length,
    segments: route.path.split('/').filter(Boolean).length,
    match: (path) => {
      const m = regex.exec(path);
      if (!m) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, safeDecode(m[i + 1])]));
    },
  };
}

async function handle(routes: CompiledRoute[], invoke: RouteInvoker, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const started = Date.now();
  const [rawPath, rawQueryString = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
  const method = (req.method ?? 'GET').toUpperCase();

  // Exact method first, then ANY, as HTTP API prefers the most specific route.
  let found: { route: CompiledRoute; params: Record<string, string> } | undefined;
  for (const wanted of [method, 'ANY']) {
    for (const route of routes) {
      if (route.method !== wanted) continue;
      const params = route.match(rawPath);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (found) break;
  }
  if (!found) {
    req.resume();
    return send(res, requestId, NOT_FOUND);
  }

  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_REQUEST_BYTES) return refuseTooLarge(req, res, requestId);
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === 'too-large') return refuseTooLarge(req, res, requestId);

  const event = toEvent(req, {
    rawPath,
    rawQueryString,
    body,
    requestId,
    started,
    routeKey: found.route.routeKey,
    pathParameters: found.params,
  });
  let result: unknown;
  try {
    result = await invoke(found.route.route, event);
  } catch (error) {
    // What API Gateway does when the function fails: a bare 500; details stay in the function's log.
    process.stderr.write(`local api: ${found.route.routeKey} failed: ${(error as Error)?.name ?? 'Error'}\n`);
    return send(res, requestId, INTERNAL);
  }
  writeResult(res, requestId, result as APIGatewayProxyResultV2);
}

/** How much of an oversized body is read and dropped, so the client sees the 413 instead of a reset. */
const MAX_DRAIN_BYTES = 16 * MAX_REQUEST_BYTES;

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  res.setHeader('connection', 'close');
  send(res, requestId, TOO_LARGE);
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => !over && resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Content types HTTP API hands to the function as text; everything else (and no type) is base64. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

interface EventParts {
  rawPath: string;
  rawQueryString: string;
  body: Buffer;
  requestId: string;
  started: number;
  routeKey: string;
  pathParameters: Record<string, string>;
}

function toEvent(req: IncomingMessage, p: EventParts): APIGatewayProxyEventV2 {
  // Payload 2.0: lower-case names, repeated headers joined with commas, cookies on their own.
  // headersDistinct keeps every repeat (req.headers drops repeats of some, e.g. authorization).
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined) continue;
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(/;\s*/)).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(p.rawQueryString)) query[key] = key in query ? `${query[key]},${value}` : value;

  const text = isTextual(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: p.routeKey,
    rawPath: p.rawPath,
    rawQueryString: p.rawQueryString,
    headers,
    requestContext: {
      accountId: process.env.AWS_ACCOUNT_ID ?? '123456789012',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: safeDecode(p.rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: p.requestId,
      routeKey: p.routeKey,
      stage: '$default',
      time: apiGatewayTime(new Date(p.started)),
      timeEpoch: p.started,
    },
    isBase64Encoded: p.body.length > 0 && !text,
  };
  if (cookies) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (Object.keys(p.pathParameters).length > 0) event.pathParameters = p.pathParameters;
  if (p.body.length > 0) event.body = text ? p.body.toString('utf8') : p.body.toString('base64');
  return event;
}

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function apiGatewayTime(d: Date): string {
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * As HTTP API interprets a payload-2.0 result: a structured result is used as given; anything
 * else (a string, an object without statusCode) is a 200 whose JSON body is that value.
 */
function writeResult(res: ServerResponse, requestId: string, result: APIGatewayProxyResultV2): void {
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result ? (result as APIGatewayProxyStructuredResultV2) : undefined;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'apigw-requestid': requestId });
    res.end(body);
    return;
  }
  const headers: Record<string, string | number | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body === undefined ? '' : structured.body;
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function send(res: ServerResponse, requestId: string, answer: { statusCode: number; body: unknown }): void {
  res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'apigw-requestid': requestId });
  res.end(JSON.stringify(answer.body));
}
