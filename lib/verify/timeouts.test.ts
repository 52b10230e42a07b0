import { readTimeouts, RESPOND_MARGIN_SECONDS, TIMEOUT_LIMITS } from './timeouts';

describe('readTimeouts', () => {
  it('defaults to 300 s for the sign-up code and 120 s for the MFA code', () => {
    expect(readTimeouts(undefined)).toEqual({ signUpCodeSeconds: 300, mfaCodeSeconds: 120 });
    expect(readTimeouts({})).toEqual({ signUpCodeSeconds: 300, mfaCodeSeconds: 120 });
  });

  it('takes given values and defaults the other', () => {
    expect(readTimeouts({ signUpCodeSeconds: 60 })).toEqual({ signUpCodeSeconds: 60, mfaCodeSeconds: 120 });
    expect(readTimeouts({ mfaCodeSeconds: 160, signUpCodeSeconds: 3600 })).toEqual({ signUpCodeSeconds: 3600, mfaCodeSeconds: 160 });
    expect(readTimeouts({ mfaCodeSeconds: 1, signUpCodeSeconds: 1 })).toEqual({ signUpCodeSeconds: 1, mfaCodeSeconds: 1 });
  });

  it('caps the MFA wait at 160 s, leaving 20 s of Cognito’s 3-minute auth session for RespondToAuthChallenge', () => {
    expect(TIMEOUT_LIMITS.mfaCodeSeconds.max).toBe(160);
    expect(RESPOND_MARGIN_SECONDS).toBe(20);
    expect(TIMEOUT_LIMITS.mfaCodeSeconds.default).toBeLessThanOrEqual(TIMEOUT_LIMITS.mfaCodeSeconds.max);
  });

  it.each([
    [{ mfaCodeSeconds: 161 }, 'timeouts.mfaCodeSeconds'],
    [{ mfaCodeSeconds: 170 }, 'timeouts.mfaCodeSeconds'],
    [{ mfaCodeSeconds: 180 }, 'timeouts.mfaCodeSeconds'],
    [{ mfaCodeSeconds: 0 }, 'timeouts.mfaCodeSeconds'],
    [{ signUpCodeSeconds: 3601 }, 'timeouts.signUpCodeSeconds'],
    [{ signUpCodeSeconds: -5 }, 'timeouts.signUpCodeSeconds'],
    [{ signUpCodeSeconds: 1.5 }, 'timeouts.signUpCodeSeconds'],
    [{ signUpCodeSeconds: '60' }, 'timeouts.signUpCodeSeconds'],
    [{ signUpCodeSeconds: null }, 'timeouts.signUpCodeSeconds'],
    [{ signUpCodeSeconds: Number.NaN }, 'timeouts.signUpCodeSeconds'],
    [{ smsSeconds: 10 }, 'timeouts.smsSeconds'],
  ])('rejects %j, naming %s', (value, field) => {
    expect(() => readTimeouts(value)).toThrow(expect.objectContaining({ name: 'ValidationError', field }));
  });

  it.each([[null], [[]], ['300'], [300], [true]])('rejects a timeouts value that is not an object (%j)', (value) => {
    expect(() => readTimeouts(value)).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'timeouts' }));
  });
});

describe('run ids and synthetic usernames', () => {
  const { RUN_ID } = require('./runId') as typeof import('./runId');

  const { syntheticUsername } = require('./username') as typeof import('./username');
  it.each(['3f1c2a9e-0d4b-4c1e-9b7a-1e2f3a4b5c6d', 'nightly.check@2026+1', 'A_b-C'])('accepts the execution name %s', (name) => {
    expect(RUN_ID.pattern.test(name)).toBe(true);
  });
  it.each(['has space', 'a/b', 'a:b', 'semi;colon', 'q?'])('refuses %s, which Step Functions would too', (name) => {
    expect(RUN_ID.pattern.test(name)).toBe(false);
  });
  it('maps any execution name to a plain synthetic username', () => {
    expect(syntheticUsername('Nightly.Check@2026+1')).toBe('synthetic-nightly-check-2026-1');
    expect(syntheticUsername('3F1C-ab_9')).toBe('synthetic-3f1c-ab_9');
  });
});

describe('the verification machine’s own TimeoutSeconds', () => {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');

  const { parse } = require('yaml') as typeof import('yaml');
  const definition = parse(readFileSync(`${__dirname}/../../statemachines/verify.asl.yml`, 'utf8'));

  /** Every wait of a retrier at its worst (no jitter): IntervalSeconds × BackoffRate^n, capped. */
  function worstBackoffSeconds(r: {
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
  }): number {
    let total = 0;
    for (let n = 0; n < (r.MaxAttempts ?? 3); n++)
      total += Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** n, r.MaxDelaySeconds ?? Infinity);
    return total;
  }

  it('outlasts the longest healthy run: both code waits at their maximum plus the worst PhoneBusy backoff, with margin', () => {
    const phoneBusy = definition.States.AcquireLease.Retry.find((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('PhoneBusy'));
    const backoff = worstBackoffSeconds(phoneBusy);
    expect(Math.round(backoff)).toBe(1332);
    const longest = TIMEOUT_LIMITS.signUpCodeSeconds.max + TIMEOUT_LIMITS.mfaCodeSeconds.max + backoff;
    expect(Math.round(longest)).toBe(5092);
    // The other tasks: about 15 Lambda calls of up to 30 s with their Retry backoff.
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(longest + 15 * 30 + 300);
    // ... and a stuck run still ends within a couple of hours.
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(2 * 3600);
    expect(definition.TimeoutSeconds).toBe(6000);
  });
});
