/**
 * Configuration comes from the environment, read once per cold start; a missing variable is a
 * deployment bug, so it fails loudly at the first use instead of as `undefined` deep in a call.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing environment variable ${name}: the function is misconfigured (serverless.yml)`);
  }
  return value;
}

/** Lazily read-once environment value, so unit tests can set variables before the first call. */
export function envOnce(name: string): () => string {
  let cached: string | undefined;
  return () => (cached ??= requireEnv(name));
}

/**
 * A setting that may be left empty (a stage parameter whose default is ''): the trimmed value, or
 * undefined. Read on every call, not once, so tests (and the local cloud) may change it.
 */
export function optionalEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}
