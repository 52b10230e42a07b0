import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secrets } from '../clients';
import { NamedError } from '../errors';

/** Long enough that a warm container rarely calls Secrets Manager, short enough that a rotation lands soon. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

interface Entry {
  value: Promise<string>;
  fetchedAt: number;
}
const cache = new Map<string, Entry>();

/**
 * A secret's SecretString, cached per container. The promise is cached, not the value, so a
 * burst of cold requests makes one GetSecretValue call; a failed fetch is forgotten at once so
 * the next request tries again instead of failing for five minutes.
 */
export function getSecret(secretId: string, now = Date.now()): Promise<string> {
  const hit = cache.get(secretId);
  if (hit && now - hit.fetchedAt < SECRET_CACHE_MS) return hit.value;
  const value = fetchSecret(secretId);
  const entry = { value, fetchedAt: now };
  cache.set(secretId, entry);
  value.catch(() => {
    if (cache.get(secretId) === entry) cache.delete(secretId);
  });
  return value;
}

async function fetchSecret(secretId: string): Promise<string> {
  const { SecretString } = await secrets().send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) {
    throw new NamedError('SecretNotString', `Secret ${secretId} has no SecretString (binary secrets are not supported here)`);
  }
  return SecretString;
}

/** For tests, and for a caller that learned the secret was rotated. */
export function clearSecretCache(): void {
  cache.clear();
}
