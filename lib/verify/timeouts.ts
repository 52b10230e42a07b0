import { ValidationError } from '../errors';
import type { Json } from '../validate';

/**
 * How long a run waits for each SMS code. The MFA wait must end before Cognito's auth session
 * (3 minutes by default) does, or a code that arrives in time could still not be used.
 * Why at most 160 s for the MFA code: the session starts at InitiateAuth (the MFA wait is opened
 * just before it), and after the code arrives RespondToAuthChallenge still has to run inside the
 * same 180 s: the await task resuming, the Lambda start, reading the run record and the code, and
 * the Cognito call itself, with Lambda and throttling retries of 1-2 s each. 160 s leaves 20 s for
 * that; at 170 s a code that came at the last second could find the session expired
 * (NotAuthorizedException "Invalid session", reported as ExpiredCode) although it was in time.
 * The sign-up code has no session: up to an hour.
 * Why 120 s by default: twice the p99 of SMS delivery that the simulation assumes (README "When it
 * pages"). A code later than that is `SmsLate` evidence and the attempt is re-run; every second more
 * of the wait is a second more before a lost SMS is confirmed and pages (3 waits with `retries: 2`).
 */
export const TIMEOUT_LIMITS = {
  signUpCodeSeconds: { min: 1, max: 3600, default: 300 },
  mfaCodeSeconds: { min: 1, max: 160, default: 120 },
} as const;

/** Cognito's auth session (the app client's AuthSessionValidity, 3 minutes by default). */
export const COGNITO_AUTH_SESSION_SECONDS = 180;
/** What the MFA wait leaves of the session for RespondToAuthChallenge (with its retries). */
export const RESPOND_MARGIN_SECONDS = COGNITO_AUTH_SESSION_SECONDS - TIMEOUT_LIMITS.mfaCodeSeconds.max;

export type Timeouts = { -readonly [K in keyof typeof TIMEOUT_LIMITS]: number };

export function readTimeouts(value: unknown): Timeouts {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new ValidationError('timeouts', 'must be an object');
  }
  const input = (value ?? {}) as Json;
  for (const key of Object.keys(input)) {
    if (!(key in TIMEOUT_LIMITS))
      throw new ValidationError(`timeouts.${key}`, `is not a known field (expected ${Object.keys(TIMEOUT_LIMITS).join(', ')})`);
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

/**
 * How long a failed run keeps its phone (lib/runs/releasePhone.ts): an SMS still on its way must
 * meet this run's closed wait, not the next run's open one. Most SMS arrive within seconds; a
 * minute covers slow carriers at the cost of a minute's delay for the next check on that phone.
 * PHONE_HOLD_AFTER_FAILURE_SECONDS (stage parameter phoneHoldAfterFailureSeconds) overrides it.
 */
export const DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS = 60;

export function phoneHoldAfterFailureSeconds(): number {
  const configured = process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
  if (configured === undefined || configured.trim() === '') return DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS;
  const seconds = Number(configured);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 900) {
    throw new Error(
      'PHONE_HOLD_AFTER_FAILURE_SECONDS must be an integer from 0 to 900 (serverless.yml param phoneHoldAfterFailureSeconds)',
    );
  }
  return seconds;
}
