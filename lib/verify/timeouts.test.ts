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
