import { maskDestination, maskEmail, maskPhoneNumber } from './mask';
import { allowedAuthFlows } from './fidelity/appClient';
import { passwordPolicyViolation } from './fidelity/passwordPolicy';
import { AuthSessions } from './fidelity/sessions';

describe('masking like Cognito', () => {
  it.each([
    ['+15555550100', '+*******0100'],
    ['+819012341234', '+********1234'], // the walkthrough's output
    ['+12', '+****'], // too short to keep digits: nothing of it shows
  ])('%s → %s', (phone, masked) => expect(maskPhoneNumber(phone)).toBe(masked));
  it('emails keep the first letters only', () => expect(maskEmail('sulishi@gmail.com')).toBe('s***@g***'));
  it('is idempotent', () => expect(maskDestination('+*******0100')).toBe('+*******0100'));
});

describe('password policy', () => {
  it('accepts a password with every class', () => expect(passwordPolicyViolation('Corr3ct-Horse!')).toBeNull());
  it.each([
    ['Abcdef1 gh', null],
    ['Abc  def1gh', null],
    [' Abcdef1gh', 'Password must have symbol characters'],
    ['Abcdef1gh  ', 'Password must have symbol characters'],
  ])('counts only a non-leading, non-trailing space as a symbol: %j', (password, violation) =>
    expect(passwordPolicyViolation(password)).toBe(violation),
  );
  it('honours a relaxed policy', () =>
    expect(
      passwordPolicyViolation('abcdef', { MinimumLength: 6, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false }),
    ).toBeNull());
});

describe('ExplicitAuthFlows', () => {
  it('a client without a list allows SRP, custom and refresh, as Cognito does', () =>
    expect([...allowedAuthFlows({})].sort()).toEqual(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']));
  it('ALLOW_ names are taken as listed', () =>
    expect([...allowedAuthFlows({ ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] })]).toEqual(['ALLOW_USER_PASSWORD_AUTH']));
  it('legacy names add their flow to the defaults', () =>
    expect(allowedAuthFlows({ ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH'] })).toEqual(
      new Set(['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH']),
    ));
});

describe('auth sessions', () => {
  it('expire after 3 minutes', () => {
    let now = 0;
    const sessions = new AuthSessions(() => now);
    const token = sessions.issue('client', 'user1');
    expect(token.length).toBeGreaterThan(1000);
    expect(sessions.check(token, 'client').username).toBe('user1');
    expect(() => sessions.check(token, 'other-client')).toThrow('Invalid session for the user.');
    now = 3 * 60_000 + 1;
    expect(() => sessions.check(token, 'client')).toThrow('Invalid session for the user, session is expired.');
  });
});
