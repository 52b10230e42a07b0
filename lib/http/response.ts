import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string; headers: Record<string, string> };

/**
 * A JSON answer. `no-store` because these answers are about one submission at one moment; a
 * cache or proxy replaying one would lie.
 */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export interface ErrorBody {
  /** Stable, machine-readable name (`InvalidRequest`, `WaitExpired`, ...). */
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** The error envelope every non-2xx answer uses: `{ error: { code, message, ... } }`. */
export function errorResponse(statusCode: number, error: ErrorBody, headers?: Record<string, string>): HttpResult {
  return json(statusCode, { error }, headers);
}
