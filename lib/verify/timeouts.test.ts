import { readTimeouts, TIMEOUT_LIMITS } from './timeouts';

describe('readTimeouts', () => {
  it('defaults to 300 s for the sign-up code and 150 s for the MFA code', () => {
    expect(readTimeouts(undefined)).toEqual({ signUpCodeSeconds: 300, mfaCodeSeconds: 150 });
    expect(readTimeouts({})).toEqual({ signUpCodeSeconds: 300, mfaCodeSeconds: 150 });
  });

  it('takes given values and defaults the other', () => {
    expect(readTimeouts({ signUpCodeSeconds: 60 })).toEqual({ signUpCodeSeconds: 60, mfaCodeSeconds: 150 });
    expect(readTimeouts({ mfaCodeSeconds: 170, signUpCodeSeconds: 3600 })).toEqual({ signUpCodeSeconds: 3600, mfaCodeSeconds: 170 });
    expect(readTimeouts({ mfaCodeSeconds: 1, signUpCodeSeconds: 1 })).toEqual({ signUpCodeSeconds: 1, mfaCodeSeconds: 1 });
  });

  it('caps the MFA wait below Cognito’s 3-minute auth session', () => {
    expect(TIMEOUT_LIMITS.mfaCodeSeconds.max).toBeLessThan(180);
    expect(TIMEOUT_LIMITS.mfaCodeSeconds.default).toBeLessThanOrEqual(TIMEOUT_LIMITS.mfaCodeSeconds.max);
  });

  it.each([
    [{ mfaCodeSeconds: 171 }, 'timeouts.mfaCodeSeconds'],
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RUN_ID } = require('./runId') as typeof import('./runId');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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
