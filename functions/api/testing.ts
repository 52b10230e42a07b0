import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { sign } from '../../lib/signature';

/** Test helpers for `POST /codes`: events as API Gateway HTTP API (payload 2.0) delivers them. */
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
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'POST /codes',
    rawPath: '/codes',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/codes', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'api-req-1',
      routeKey: 'POST /codes',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: opts.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: opts.base64 ?? false,
  };
}

export const lambdaContext = (awsRequestId = 'lambda-req-1') =>
  ({ awsRequestId, functionName: 'submitCode', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
