import { ValidationError } from '../errors';
import type { Json } from '../validate';

/**
 * How long a run waits for each SMS code. The MFA wait must end before Cognito's auth session
 * (3 minutes by default) does, or a code that arrives in time could still not be used.
 */
export const TIMEOUT_LIMITS = {
  signUpCodeSeconds: { min: 1, max: 3600, default: 300 },
  mfaCodeSeconds: { min: 1, max: 170, default: 150 },
} as const;

export type Timeouts = { -readonly [K in keyof typeof TIMEOUT_LIMITS]: number };

export function readTimeouts(value: unknown): Timeouts {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new ValidationError('timeouts', 'must be an object');
  }
  const input = (value ?? {}) as Json;
  for (const key of Object.keys(input)) {
    if (!(key in TIMEOUT_LIMITS)) throw new ValidationError(`timeouts.${key}`, `is not a known field (expected ${Object.keys(TIMEOUT_LIMITS).join(', ')})`);
  }
  const out = {} as Timeouts;
  for (const [key, limits] of Object.entries(TIMEOUT_LIMITS) as [keyof Timeouts, (typeof TIMEOUT_LIMITS)[keyof Timeouts]][]) {
    const v = input[key];
    if (v === undefined) {
      out[key] = limits.default;
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < limits.min || v > limits.max) {
      throw new ValidationError(`timeouts.${key}`, `must be a whole number of seconds from ${limits.min} to ${limits.max}`);
    }
    out[key] = v;
  }
  return out;
}
