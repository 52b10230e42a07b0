import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { sign } from '../../lib/signature';

/** Test helpers for HTTP routes: events as API Gateway HTTP API (payload 2.0) delivers them. */

export interface HttpApiRequest {
  /** e.g. `POST /codes`: the method and the route's path. */
  routeKey: string;
  /** The path as requested (with a named stage, say); default the route's path. */
  rawPath?: string;
  rawQueryString?: string;
  headers: Record<string, string>;
  body: string;
  /** HTTP API hands some bodies to Lambda base64-encoded. */
  base64?: boolean;
  /** `<apiId>.execute-api.<region>.amazonaws.com`, or a custom domain; its first label is the domainPrefix. */
  domainName: string;
  apiId: string;
  sourceIp: string;
  userAgent: string;
}

export function httpApiEvent(req: HttpApiRequest): APIGatewayProxyEventV2 {
  const [method, routePath] = req.routeKey.split(' ');
  const rawPath = req.rawPath ?? routePath;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: req.routeKey,
    rawPath,
    rawQueryString: req.rawQueryString ?? '',
    headers: req.headers,
    requestContext: {
      accountId: '123456789012',
      apiId: req.apiId,
      domainName: req.domainName,
      domainPrefix: req.domainName.split('.')[0],
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: req.sourceIp, userAgent: req.userAgent },
      requestId: 'api-req-1',
      routeKey: req.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: req.base64 ? Buffer.from(req.body, 'utf8').toString('base64') : req.body,
    isBase64Encoded: req.base64 ?? false,
  };
}

/** The Lambda context a handler reads: its request id (answered on a 500), name and time left. */
export const lambdaContext = (functionName: string, awsRequestId = 'lambda-req-1') =>
  ({ awsRequestId, functionName, getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

/** `POST /codes`, signed with this secret unless told otherwise. */
export const TEST_SECRET = 'test-callback-secret-0123456789abcdef';

export interface EventOptions {
  headers?: Record<string, string>;
  /** Signature timestamp (unix seconds); false leaves the request unsigned. */
  signedAt?: number | false;
  secret?: string;
  base64?: boolean;
}

export function codesEvent(body: string, opts: EventOptions = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.signedAt !== false && headers['x-signature'] === undefined) {
    headers['x-signature'] = sign(opts.secret ?? TEST_SECRET, body, opts.signedAt ?? Math.floor(Date.now() / 1000));
  }
  return httpApiEvent({
    routeKey: 'POST /codes',
    headers,
    body,
    base64: opts.base64,
    domainName: 'localhost',
    apiId: 'local',
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
  });
}
