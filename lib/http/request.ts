import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Reading an API Gateway HTTP API (payload 2.0) request. API Gateway lower-cases header names,
 * but a test, a proxy or another front door may not, so lookups never rely on it.
 */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  if (headers[wanted] !== undefined) return headers[wanted];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The body exactly as the client sent it: signatures are computed over these bytes. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export interface MediaType {
  /** Lower-cased `type/subtype`. */
  essence: string;
  /** Parameter names lower-cased, values unquoted. */
  params: Record<string, string>;
}

/** RFC 9110 media type, enough of it to tell `application/json; charset=utf-8` from the rest. */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (!value) return undefined;
  const [essence, ...rest] = value.split(';');
  const type = essence.trim().toLowerCase();
  if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(type)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { essence: type, params };
}

/** JSON in UTF-8 (RFC 8259 allows no other charset on the wire); a charset parameter may say so. */
export function isJsonUtf8(contentType: string | undefined): boolean {
  const media = parseMediaType(contentType);
  if (!media || media.essence !== 'application/json') return false;
  const charset = media.params.charset?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
