import { CognitoIdentityProviderClient, type CreateUserPoolCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { createPoolAndClient, smsMfaPoolInput } from '../../local/cognito/testing';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 17, "Must show": pools made by hand in the shapes production pools have, each checked the
 * way its users sign in. These need the local cloud to emulate each shape as Cognito does
 * (AdminSetUserMFAPreference on MFA OPTIONAL pools, SRP verified for real, USER_AUTH with
 * SELECT_CHALLENGE, UsernameAttributes), which lands with the local-cloud work of the same issue.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
}, 60_000);
afterAll(async () => {
  cognito?.destroy();
  await s?.close();
});

async function pool(name: string, overrides: Partial<CreateUserPoolCommandInput>, flows: string[], secret = false) {
  return createPoolAndClient(cognito, { ...smsMfaPoolInput(name), ...overrides }, { clientName: `${name}Client`, flows, secret });
}

async function passes(kind: 'signin' | 'signup', target: { userPoolId: string; clientId: string }, extra: object = {}) {
  const result = await s.run('verify', { kind, ...target, phoneNumber: nextPhone(), ...extra });
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
    cause: undefined,
  });
  return JSON.parse(result.output!);
}

const PASSWORD_FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

describe('(a) MFA OPTIONAL, users who chose SMS MFA', () => {
  it.each<['signin' | 'signup']>([['signin'], ['signup']])(
    'a %s check passes: its user gets SMS MFA turned on and is challenged',
    async (kind) => {
      const target = await pool(`Optional${kind}`, { MfaConfiguration: 'OPTIONAL' }, PASSWORD_FLOWS);
      expect(await passes(kind, target)).toMatchObject({ verdict: 'PASS', kind, authFlow: 'password' });
    },
  );
});

describe('(b) MFA ON, client with a secret, signing in with SRP', () => {
  it('a signin check passes with SECRET_HASH on every SRP call', async () => {
    const target = await pool('SecretSrp', {}, ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], true);
    expect(await passes('signin', target)).toMatchObject({ verdict: 'PASS', authFlow: 'srp' });
  });
});

describe('(c) MFA ON, a client with only ALLOW_USER_SRP_AUTH + ALLOW_REFRESH_TOKEN_AUTH (Amplify)', () => {
  it.each<['signin' | 'signup']>([['signin'], ['signup']])('a %s check chooses SRP by itself and passes', async (kind) => {
    const target = await pool(`Amplify${kind}`, {}, ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(await passes(kind, target)).toMatchObject({ verdict: 'PASS', kind, authFlow: 'srp' });
  });
});

describe('choice-based sign-in (USER_AUTH)', () => {
  it('a signin check passes with a PASSWORD_SRP first factor, then SMS_MFA', async () => {
    const target = await pool('ChoiceBased', {}, ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(await passes('signin', target)).toMatchObject({ verdict: 'PASS', authFlow: 'user-auth' });
  });
});

describe('(d) MFA ON, --username-attributes email', () => {
  it.each<['signin' | 'signup']>([['signin'], ['signup']])(
    'a %s check passes with a synthetic address at example.invalid',
    async (kind) => {
      const target = await pool(`Email${kind}`, { UsernameAttributes: ['email'] }, PASSWORD_FLOWS);
      const output = await passes(kind, target);
      expect(output).toMatchObject({ verdict: 'PASS', kind });
    },
  );
});

describe('phone-number usernames', () => {
  it('a signin check passes, signing in with the phone number', async () => {
    const target = await pool('PhoneSignIn', { UsernameAttributes: ['phone_number'] }, PASSWORD_FLOWS);
    expect(await passes('signin', target)).toMatchObject({ verdict: 'PASS', kind: 'signin' });
  });

  it('a signup check is refused PhoneUsernamePool before any user or SMS', async () => {
    const target = await pool('PhoneSignUp', { UsernameAttributes: ['phone_number'] }, PASSWORD_FLOWS);
    const phone = nextPhone();
    const result = await s.run('verify', { kind: 'signup', ...target, phoneNumber: phone });
    expect(result).toMatchObject({ status: 'FAILED', error: 'PhoneUsernamePool' });
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
  });
});
