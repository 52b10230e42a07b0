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

/**
 * Unsigned calls (the SDK sends InitiateAuth, RespondToAuthChallenge and SignUp without a
 * signature) carry no Region, yet a replicated pool answers them differently in each Region. So
 * the local cloud also serves each Region at its own endpoint, `<url>/<region>` (as Cognito does at
 * `cognito-idp.<region>.amazonaws.com`): an SDK client or `aws --endpoint-url` given that URL posts
 * to `/<region>/`, which names the Region whether signed or not, and wins over the signature.
 */
const REGION_PATH = /^\/([a-z]{2}(?:-[a-z]+)+-\d)(?=\/|\?|$)/;

/** The Region a request's path names, and the path without it; undefined when it names none. */
export function regionOfPath(url: string | undefined): { region: string; rest: string } | undefined {
  const m = REGION_PATH.exec(url ?? '');
  if (!m) return undefined;
  const rest = (url ?? '').slice(m[0].length);
  return { region: m[1], rest: rest.startsWith('/') ? rest : `/${rest}` };
}

interface Current {
  region: string;
  /** Named by the caller (endpoint path or signature), not the cloud's default. */
  explicit: boolean;
}

export class RequestRegions {
  private readonly storage = new AsyncLocalStorage<Current>();

  constructor(private readonly fallback: string) {}

  /**
   * Runs `handle` with the request's Region as the current one: its endpoint's (the path prefix
   * is taken off `req.url`, so the emulator sees `/`), else its signature's, else the cloud's.
   */
  run<T>(req: IncomingMessage, handle: () => T): T {
    const path = regionOfPath(req.url);
    if (path) req.url = path.rest;
    const named = path?.region ?? regionOfAuthorization(req.headers.authorization);
    return this.storage.run({ region: named ?? this.fallback, explicit: Boolean(named) }, handle);
  }

  /** The Region of the request being handled, else the cloud's. */
  current(): string {
    return this.storage.getStore()?.region ?? this.fallback;
  }

  /** The Region of the request being handled and whether the caller named it. */
  where(): Current {
    return this.storage.getStore() ?? { region: this.fallback, explicit: false };
  }
}
