import { CognitoIdentityProviderClient, type CreateUserPoolCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { createPoolAndClient, smsMfaPoolInput } from '../../local/cognito/testing';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 17 item 3: passwordless SMS sign-in (`--auth-flow sms-otp`), checked as apps that use it
 * sign in: InitiateAuth USER_AUTH with PREFERRED_CHALLENGE SMS_OTP (InitiateAuth API reference,
 * AuthParameters for USER_AUTH), the code by SMS, RespondToAuthChallenge SMS_OTP with SMS_OTP_CODE
 * (ChallengeResponseType). Cognito offers SMS_OTP only when the pool lists it in
 * Policies.SignInPolicy.AllowedFirstAuthFactors, which needs the Essentials plan or higher
 * (SignInPolicyType); the local cloud emulates both (local/cognito/fidelity/userAuth.ts,
 * featurePlan.ts).
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

const USER_AUTH_FLOWS = ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

async function pool(name: string, overrides: Partial<CreateUserPoolCommandInput>) {
  return createPoolAndClient(cognito, { ...smsMfaPoolInput(name), ...overrides }, { clientName: `${name}Client`, flows: USER_AUTH_FLOWS });
}

const withSmsOtp: Partial<CreateUserPoolCommandInput> = {
  Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } },
};

describe('a pool that allows SMS_OTP as a first factor, a client with ALLOW_USER_AUTH', () => {
  it.each<['signin' | 'signup']>([['signin'], ['signup']])(
    'a %s check with authFlow sms-otp signs in with the SMS code alone and passes',
    async (kind) => {
      const target = await pool(`SmsOtp${kind}`, withSmsOtp);
      const phone = nextPhone();
      const result = await s.run('verify', { kind, ...target, phoneNumber: phone, authFlow: 'sms-otp' });
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      const output = JSON.parse(result.output!);
      expect(output).toMatchObject({ verdict: 'PASS', kind, authFlow: 'sms-otp', tokens: { refresh: { verified: true } } });
      // The fake phone saw exactly the SMS the flow sends (the sign-in code: one), and no more.
      const sent = s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone).map((m) => m.kind);
      expect(sent).toEqual(kind === 'signup' ? ['SIGN_UP', 'MFA'] : ['MFA']);
      // The sign-in step met SMS_OTP (not SMS_MFA after a password).
      const history = JSON.stringify(await s.history(result.executionArn!));
      expect(history).toContain('"challenge\\":\\"SMS_OTP\\"');
      expect(history).not.toContain('SMS_MFA');
    },
  );

  it('without authFlow the check still signs in with a password (sms-otp is never chosen by itself)', async () => {
    const target = await pool('SmsOtpDefault', withSmsOtp);
    const result = await s.run('verify', { kind: 'signin', ...target, phoneNumber: nextPhone() });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({ verdict: 'PASS', authFlow: 'user-auth' });
  });
});

describe('a pool that does not allow SMS_OTP as a first factor', () => {
  it.each<['signin' | 'signup']>([['signin'], ['signup']])(
    'a %s check with authFlow sms-otp fails SmsOtpNotOffered, naming the setting, before any SMS',
    async (kind) => {
      const target = await pool(`NoSmsOtp${kind}`, {});
      const phone = nextPhone();
      const result = await s.run('verify', { kind, ...target, phoneNumber: phone, authFlow: 'sms-otp' });
      expect(result).toMatchObject({ status: 'FAILED', error: 'SmsOtpNotOffered' });
      expect(result.cause).toContain('AllowedFirstAuthFactors');
      expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
    },
  );
});
