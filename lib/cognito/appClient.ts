import { createHmac } from 'node:crypto';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';

/**
 * What a check needs to know of an app client, read at run time with DescribeUserPoolClient (the
 * only call that returns the secret). Holds the client secret: never return it from a Lambda, log
 * it, or store it; only secretHashFor() leaves this module with something derived from it.
 */
export interface AppClientFacts {
  clientId: string;
  userPoolId: string;
  explicitAuthFlows: string[];
  /** RefreshTokenRotation.Feature ENABLED: refresh goes through GetTokensFromRefreshToken. */
  refreshTokenRotation: boolean;
  hasSecret: boolean;
}

interface Cached extends AppClientFacts {
  secret?: string;
}

// Per container: a check runs every few minutes, the client changes rarely, and a rotated secret
// is read again once (forgetAppClient) before a run fails AppClientSecretChanged.
const cache = new Map<string, Promise<Cached>>();
const key = (region: string, userPoolId: string, clientId: string) => `${region}\n${userPoolId}\n${clientId}`;

async function describe(region: string, userPoolId: string, clientId: string): Promise<Cached> {
  const { UserPoolClient: c } = await cognitoIn(region).send(
    new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
  );
  return {
    clientId,
    userPoolId,
    explicitAuthFlows: c?.ExplicitAuthFlows ?? [],
    refreshTokenRotation: c?.RefreshTokenRotation?.Feature === 'ENABLED',
    hasSecret: Boolean(c?.ClientSecret),
    secret: c?.ClientSecret,
  };
}

function cached(region: string, userPoolId: string, clientId: string): Promise<Cached> {
  const k = key(region, userPoolId, clientId);
  let entry = cache.get(k);
  if (!entry) {
    entry = describe(region, userPoolId, clientId);
    // A failed read is not cached: the next call tries again.
    entry.catch(() => cache.delete(k));
    cache.set(k, entry);
  }
  return entry;
}

/** The client's settings, without its secret. */
export async function appClient(region: string, userPoolId: string, clientId: string): Promise<AppClientFacts> {
  const { secret: _secret, ...facts } = await cached(region, userPoolId, clientId);
  return facts;
}

/**
 * SECRET_HASH for a call made as `username`, or undefined for a client without a secret:
 * Base64(HMAC-SHA256(client secret, username + client id)) ("Computing secret hash values",
 * Amazon Cognito Developer Guide).
 */
export async function secretHashFor(region: string, userPoolId: string, clientId: string, username: string): Promise<string | undefined> {
  const { secret } = await cached(region, userPoolId, clientId);
  return secret === undefined ? undefined : computeSecretHash(secret, username, clientId);
}

export function computeSecretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');
}

/** Drops the cached client so the next call reads it again (after Cognito refused its secret hash). */
export function forgetAppClient(region: string, userPoolId: string, clientId: string): void {
  cache.delete(key(region, userPoolId, clientId));
}

/**
 * The `ClientSecret` request parameter of the two calls that take the secret itself rather than a
 * hash of it (GetTokensFromRefreshToken, RevokeToken): `{ ClientSecret }` for a client with a
 * secret, else `{}`. Only lib/cognito/getTokensFromRefreshToken.ts and lib/cognito/revokeToken.ts
 * call it, and spread the result straight into their request: nothing else may hold it.
 */
export async function clientSecretParameter(region: string, userPoolId: string, clientId: string): Promise<{ ClientSecret?: string }> {
  const { secret } = await cached(region, userPoolId, clientId);
  return secret === undefined ? {} : { ClientSecret: secret };
}
