import { maskDestination, maskEmail, maskPhoneNumber } from './mask';
import { passwordPolicyViolation } from './fidelity/passwordPolicy';
import { AuthSessions } from './fidelity/sessions';

describe('masking like Cognito', () => {
  it.each([
    ['+15555550100', '+*******0100'],
    ['+819012341234', '+********1234'], // the walkthrough's output
    ['+12', '+**'],
  ])('%s → %s', (phone, masked) => expect(maskPhoneNumber(phone)).toBe(masked));
  it('emails keep the first letters only', () => expect(maskEmail('sulishi@gmail.com')).toBe('s***@g***'));
  it('is idempotent', () => expect(maskDestination('+*******0100')).toBe('+*******0100'));
});

describe('password policy', () => {
  it('accepts a password with every class', () => expect(passwordPolicyViolation('Corr3ct-Horse!')).toBeNull());
  it('honours a relaxed policy', () =>
    expect(passwordPolicyViolation('abcdef', { MinimumLength: 6, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false })).toBeNull());
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
