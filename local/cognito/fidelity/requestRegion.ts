import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

/**
 * Cognito is regional: a pool made through `cognito-idp.eu-west-1.amazonaws.com` is
 * `eu-west-1_…` with an ARN in eu-west-1, and its tokens' issuer names it (aws-jwt-verify reads the
 * Region from the pool id). The local cloud has one endpoint for every Region, so the Region a
 * caller meant is the one it signed for: the credential scope of its Signature Version 4
 * `Authorization` header (`Credential=<key>/<date>/<region>/cognito-idp/aws4_request`; IAM User
 * Guide, "Elements of an AWS API request signature"). An SDK client made with
 * `{ region: 'eu-west-1' }` and `aws --region eu-west-1` both sign that way. Unsigned requests
 * (InitiateAuth may be sent unsigned) keep the cloud's Region.
 *
 * The HTTP layer runs each request inside `RequestRegions.run`, and pool creation reads
 * `current()` (regionalIds.ts): cognito-local's handlers never see the headers.
 */
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/;

export function regionOfAuthorization(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value ? CREDENTIAL_SCOPE.exec(value)?.[1] : undefined;
}

export class RequestRegions {
  private readonly storage = new AsyncLocalStorage<string>();

  constructor(private readonly fallback: string) {}

  /** Runs `handle` with the request's signed Region as the current one. */
  run<T>(req: IncomingMessage, handle: () => T): T {
    return this.storage.run(regionOfAuthorization(req.headers.authorization) ?? this.fallback, handle);
  }

  /** The Region of the request being handled, else the cloud's. */
  current(): string {
    return this.storage.getStore() ?? this.fallback;
  }
}
