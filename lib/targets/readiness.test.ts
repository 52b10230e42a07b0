import { allowsSnsPublish, readiness, roleNameOf, trustProblems, type PoolFacts } from './readiness';

/**
 * Readiness of a pool the tool did not make, one shape at a time: what can never work is refused
 * (the kind is not ready) with the setting and the AWS CLI command that changes it; the rest warns.
 */
const POOL = 'eu-west-1_AbC123';
const CLIENT = '1example23456789';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/Shop-SMS-Role';
const EXTERNAL_ID = 'shop-external-id';
const SECRET = 'client-secret-never-printed-0123456789abcdef';

const trust = (
  condition: object | undefined = { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
  principal = 'cognito-idp.amazonaws.com',
) =>
  // IAM returns documents URL-encoded.
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole', ...(condition && { Condition: condition }) },
      ],
    }),
  );
const publish = (effect = 'Allow', action: string | string[] = 'sns:publish', resource: string | string[] = '*') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource }] });

/** A pool every check can pass on: MFA ON with SMS, a role that works, a client allowing the password flow. */
function facts(
  overrides: { pool?: object; client?: object; mfa?: object; smsRole?: PoolFacts['smsRole']; rest?: Partial<PoolFacts> } = {},
): PoolFacts {
  const sms = { SnsCallerArn: ROLE_ARN, ExternalId: EXTERNAL_ID, SnsRegion: 'eu-west-1' };
  return {
    userPool: {
      Id: POOL,
      Name: 'Shop',
      MfaConfiguration: 'ON',
      SmsConfiguration: sms,
      AutoVerifiedAttributes: ['phone_number'],
      ...overrides.pool,
    },
    client: {
      UserPoolId: POOL,
      ClientId: CLIENT,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...overrides.client,
    },
    mfa: { MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsConfiguration: sms }, ...overrides.mfa },
    smsRole:
      'smsRole' in overrides ? overrides.smsRole : { roleName: 'Shop-SMS-Role', exists: true, trustPolicy: trust(), policies: [publish()] },
    smsSandbox: false,
    ...overrides.rest,
  };
}

const settings = (problems: { setting: string }[]) => problems.map((p) => p.setting);

describe('readiness', () => {
  it('a pool with SMS MFA ON, a working role and the password flow: both kinds ready, nothing to fix', () => {
    const r = readiness(facts(), 'Shop');
    expect(r).toMatchObject({ target: 'Shop', region: 'eu-west-1', userPoolId: POOL, clientId: CLIENT, warnings: [] });
    expect(r.kinds.signin).toMatchObject({ ready: true, authFlow: 'password', problems: [] });
    expect(r.kinds.signup).toMatchObject({ ready: true, authFlow: 'password', problems: [] });
    expect(r.kinds.signin.flows).toMatchObject({ password: { ready: true }, srp: { ready: true }, 'user-auth': { ready: false } });
    expect(r.notes.join('\n')).toContain('apps built with Amplify sign in with SRP (--auth-flow srp)');
  });

  it('MFA OFF: refused for both kinds (an SMS MFA check can never pass), with the set-user-pool-mfa-config command', () => {
    const r = readiness(facts({ pool: { MfaConfiguration: 'OFF' }, mfa: { MfaConfiguration: 'OFF', SmsMfaConfiguration: undefined } }));
    for (const kind of ['signin', 'signup'] as const) {
      expect(r.kinds[kind].ready).toBe(false);
      expect(r.kinds[kind].problems[0]).toEqual({
        setting: 'MfaConfiguration',
        problem: expect.stringContaining('an SMS MFA check can never pass'),
        fix: `aws cognito-idp set-user-pool-mfa-config --user-pool-id ${POOL} --mfa-configuration OPTIONAL --sms-mfa-configuration 'SmsConfiguration={SnsCallerArn=${ROLE_ARN},ExternalId=${EXTERNAL_ID}}'`,
      });
    }
  });

  it('MFA ON with TOTP only: refused, SMS is not a factor', () => {
    const r = readiness(facts({ mfa: { SmsMfaConfiguration: undefined, SoftwareTokenMfaConfiguration: { Enabled: true } } }));
    expect(r.kinds.signin.ready).toBe(false);
    expect(r.kinds.signin.problems[0]).toMatchObject({
      setting: 'SmsMfaConfiguration',
      fix: expect.stringContaining('set-user-pool-mfa-config'),
    });
  });

  it('MFA OPTIONAL: ready; the check enables SMS MFA on its own synthetic users', () => {
    const r = readiness(facts({ pool: { MfaConfiguration: 'OPTIONAL' }, mfa: { MfaConfiguration: 'OPTIONAL' } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.kinds.signup.ready).toBe(true);
    expect(r.notes.join('\n')).toMatch(
      /MFA is OPTIONAL: the check enables and prefers SMS MFA on its own synthetic users \(AdminSetUserMFAPreference\)/,
    );
  });

  it('no SMS configuration: refused, with update-user-pool --sms-configuration and its reset-to-defaults caveat', () => {
    const r = readiness(facts({ pool: { SmsConfiguration: undefined }, mfa: { SmsMfaConfiguration: {} }, smsRole: undefined }));
    const problem = r.kinds.signin.problems.find((p) => p.setting === 'SmsConfiguration')!;
    expect(problem.problem).toContain('no SMS configuration');
    expect(problem.fix).toContain(
      `aws cognito-idp update-user-pool --user-pool-id ${POOL} --sms-configuration SnsCallerArn=<SMS role ARN>`,
    );
    expect(problem.note).toContain('resets every setting you leave out');
    expect(r.kinds.signin.ready).toBe(false);
  });

  it('the SMS role does not exist: refused, with create-role and the trust policy for the pool ExternalId', () => {
    const r = readiness(facts({ smsRole: { roleName: 'Shop-SMS-Role', exists: false, policies: [] } }));
    expect(r.kinds.signin.problems).toEqual([
      expect.objectContaining({
        setting: 'SmsConfiguration.SnsCallerArn',
        fix: expect.stringContaining('aws iam create-role --role-name Shop-SMS-Role'),
      }),
    ]);
    expect(r.kinds.signin.problems[0]!.fix).toContain(`"sts:ExternalId":"${EXTERNAL_ID}"`);
  });

  it.each([
    [
      'another principal',
      trust(undefined, 'lambda.amazonaws.com'),
      'no Allow statement lets cognito-idp.amazonaws.com call sts:AssumeRole',
    ],
    [
      'another ExternalId',
      trust({ StringEquals: { 'sts:ExternalId': 'other' } }),
      'requires sts:ExternalId other, but the pool sends shop-external-id',
    ],
    ['no document', undefined, 'no readable trust policy'],
  ])('the role trust names %s: refused, with update-assume-role-policy', (_what, trustPolicy, problem) => {
    const r = readiness(facts({ smsRole: { roleName: 'Shop-SMS-Role', exists: true, trustPolicy, policies: [publish()] } }));
    expect(r.kinds.signin.ready).toBe(false);
    expect(r.kinds.signin.problems).toEqual([
      {
        setting: 'role Shop-SMS-Role trust policy',
        problem: expect.stringContaining(problem),
        fix: expect.stringMatching(
          /^aws iam update-assume-role-policy --role-name Shop-SMS-Role --policy-document '\{.*"sts:ExternalId":"shop-external-id".*\}'$/,
        ),
      },
    ]);
  });

  it('a trust without an ExternalId condition works: a warning (confused deputy), not a refusal', () => {
    const r = readiness(
      facts({ smsRole: { roleName: 'Shop-SMS-Role', exists: true, trustPolicy: trust(null as never), policies: [publish()] } }),
    );
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        setting: 'role Shop-SMS-Role trust policy',
        problem: expect.stringContaining('without an sts:ExternalId'),
      }),
    ]);
  });

  it.each([
    ['no sns:Publish', [publish('Allow', 's3:GetObject')], 'no policy of the role allows sns:Publish'],
    [
      'sns:Publish on a topic only',
      [publish('Allow', 'sns:Publish', 'arn:aws:sns:eu-west-1:123456789012:alerts')],
      'no policy of the role allows sns:Publish',
    ],
    ['a Deny', [publish('Allow', 'sns:*'), publish('Deny', 'sns:Publish')], 'denies sns:Publish'],
  ])('the role policies: %s → refused, with put-role-policy', (_what, policies, problem) => {
    const r = readiness(facts({ smsRole: { roleName: 'Shop-SMS-Role', exists: true, trustPolicy: trust(), policies } }));
    expect(r.kinds.signup.ready).toBe(false);
    expect(r.kinds.signup.problems).toEqual([
      expect.objectContaining({
        setting: 'role Shop-SMS-Role policies',
        problem: expect.stringContaining(problem),
        fix: expect.stringContaining('aws iam put-role-policy --role-name Shop-SMS-Role --policy-name Cognito-SNS-Policy'),
      }),
    ]);
  });

  it('sns:* or * on "*" allows publishing; policy helpers read URL-encoded documents', () => {
    expect(allowsSnsPublish([publish('Allow', 'sns:*')])).toEqual({ allowed: true, denied: false });
    expect(allowsSnsPublish([encodeURIComponent(publish('Allow', ['*']))])).toEqual({ allowed: true, denied: false });
    expect(trustProblems(trust(), EXTERNAL_ID)).toEqual({});
    expect(roleNameOf(ROLE_ARN)).toBe('Shop-SMS-Role');
  });

  it('IAM not readable: the role is "not checked" (a warning), the kinds stay ready', () => {
    const r = readiness(facts({ smsRole: { notChecked: 'the credentials cannot read IAM role Shop-SMS-Role (AccessDenied)' } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.warnings).toEqual([{ setting: 'SmsConfiguration.SnsCallerArn', problem: expect.stringContaining('not checked') }]);
  });

  it('an Amplify client (SRP + refresh only): the check uses srp; password and user-auth name the missing ALLOW_ flag', () => {
    const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
    const r = readiness(facts({ client: { ExplicitAuthFlows: flows } }));
    expect(r.kinds.signin).toMatchObject({ ready: true, authFlow: 'srp', problems: [] });
    expect(r.kinds.signin.flows.password).toEqual({
      ready: false,
      problems: [
        {
          setting: 'ExplicitAuthFlows',
          problem: 'the app client does not allow ALLOW_USER_PASSWORD_AUTH',
          note: expect.stringContaining('update-user-pool-client resets every setting you leave out'),
          fix: expect.stringContaining(
            `aws cognito-idp update-user-pool-client --user-pool-id ${POOL} --client-id ${CLIENT} --explicit-auth-flows ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH ALLOW_USER_PASSWORD_AUTH`,
          ),
        },
      ],
    });
    expect(r.kinds.signin.flows['user-auth'].problems[0]!.problem).toContain('ALLOW_USER_AUTH');
    expect(r.notes.join('\n')).toContain("checks sign in with srp (USER_SRP_AUTH), the client's default");
  });

  describe('passwordless SMS sign-in (sms-otp)', () => {
    const userAuthClient = { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] };
    const smsOtpPool = { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } }, UserPoolTier: 'ESSENTIALS' };

    it('is ready on an Essentials pool allowing SMS_OTP with a client allowing ALLOW_USER_AUTH, but never the default flow', () => {
      const r = readiness(facts({ pool: smsOtpPool, client: userAuthClient }));
      expect(r.kinds.signin.authFlow).toBe('user-auth');
      expect(r.kinds.signin.flows['sms-otp']).toEqual({ ready: true, problems: [] });
      const named = readiness(facts({ pool: smsOtpPool, client: userAuthClient, rest: { authFlow: 'sms-otp' } }));
      expect(named.kinds.signin).toMatchObject({ ready: true, authFlow: 'sms-otp', problems: [] });
      expect(named.notes.join('\n')).toContain('checks sign in with sms-otp (USER_AUTH, passwordless SMS_OTP');
    });

    it('a pool without SMS_OTP among AllowedFirstAuthFactors: the setting and the update-user-pool command, with the reset note', () => {
      const r = readiness(facts({ client: userAuthClient, rest: { authFlow: 'sms-otp' } }));
      expect(r.kinds.signin.ready).toBe(false);
      expect(r.kinds.signin.problems).toEqual([
        {
          setting: 'Policies.SignInPolicy.AllowedFirstAuthFactors',
          problem: expect.stringContaining('does not allow SMS_OTP as a first factor'),
          fix: `aws cognito-idp update-user-pool --user-pool-id ${POOL} --policies 'SignInPolicy={AllowedFirstAuthFactors=[PASSWORD,SMS_OTP]}'`,
          note: expect.stringContaining('update-user-pool resets every setting you leave out'),
        },
      ]);
    });

    it('a Lite pool: the feature plan, with --user-pool-tier ESSENTIALS', () => {
      const r = readiness(facts({ pool: { ...smsOtpPool, UserPoolTier: 'LITE' }, client: userAuthClient, rest: { authFlow: 'sms-otp' } }));
      expect(r.kinds.signup.ready).toBe(false);
      expect(r.kinds.signup.problems).toEqual([
        expect.objectContaining({
          setting: 'UserPoolTier',
          fix: `aws cognito-idp update-user-pool --user-pool-id ${POOL} --user-pool-tier ESSENTIALS`,
          note: expect.stringContaining('update-user-pool resets every setting you leave out'),
        }),
      ]);
    });

    it('a client without ALLOW_USER_AUTH: names the flag', () => {
      const r = readiness(facts({ pool: smsOtpPool, rest: { authFlow: 'sms-otp' } }));
      expect(settings(r.kinds.signin.problems)).toEqual(['ExplicitAuthFlows']);
      expect(r.kinds.signin.problems[0]!.problem).toContain('ALLOW_USER_AUTH');
    });

    it('MFA OFF keeps the password flows from passing but not sms-otp (the SMS code is its only factor)', () => {
      const r = readiness(
        facts({
          pool: { ...smsOtpPool, MfaConfiguration: 'OFF' },
          client: userAuthClient,
          mfa: { MfaConfiguration: 'OFF', SmsMfaConfiguration: undefined },
        }),
      );
      expect(r.kinds.signin.ready).toBe(false);
      expect(r.kinds.signin.flows['user-auth'].ready).toBe(false);
      expect(r.kinds.signin.flows['sms-otp'].ready).toBe(true);
      const named = readiness(
        facts({
          pool: { ...smsOtpPool, MfaConfiguration: 'OFF' },
          client: userAuthClient,
          mfa: { MfaConfiguration: 'OFF', SmsMfaConfiguration: undefined },
          rest: { authFlow: 'sms-otp' },
        }),
      );
      expect(named.kinds.signin).toMatchObject({ ready: true, problems: [] });
    });
  });

  it('a client without ALLOW_REFRESH_TOKEN_AUTH: refused for both kinds (every check refreshes its tokens), with the flag and the command', () => {
    const r = readiness(facts({ client: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] } }));
    for (const kind of ['signin', 'signup'] as const) {
      expect(r.kinds[kind]).toMatchObject({ ready: false, authFlow: 'srp' });
      expect(r.kinds[kind].problems).toEqual([
        {
          setting: 'ExplicitAuthFlows',
          problem: expect.stringContaining('does not allow ALLOW_REFRESH_TOKEN_AUTH'),
          fix: `aws cognito-idp update-user-pool-client --user-pool-id ${POOL} --client-id ${CLIENT} --explicit-auth-flows ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH`,
          note: expect.stringContaining('update-user-pool-client resets every setting you leave out'),
        },
      ]);
      expect(r.kinds[kind].problems[0]!.problem).toContain('RefreshFailed');
      // No flow is ready without it, and each flow's own fix keeps the refresh flag it needs.
      expect(Object.values(r.kinds[kind].flows).map((f) => f.ready)).toEqual([false, false, false, false]);
    }
    expect(r.kinds.signin.flows.password.problems[0]!.fix).toMatch(
      /--explicit-auth-flows ALLOW_USER_SRP_AUTH ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH$/,
    );
  });

  it('a client that rotates refresh tokens needs no ALLOW_REFRESH_TOKEN_AUTH (it refreshes with GetTokensFromRefreshToken)', () => {
    const r = readiness(
      facts({
        client: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'], RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } },
      }),
    );
    expect(r.kinds.signin).toMatchObject({ ready: true, authFlow: 'srp', problems: [] });
    expect(r.kinds.signup).toMatchObject({ ready: true, problems: [] });
  });

  it('token revocation off: a warning (checks pass, their refresh tokens are not revoked), with the command that turns it on', () => {
    const r = readiness(facts({ client: { EnableTokenRevocation: false } }));
    expect(r.kinds.signin).toMatchObject({ ready: true, problems: [] });
    expect(r.kinds.signup).toMatchObject({ ready: true, problems: [] });
    expect(r.warnings).toEqual([
      {
        setting: 'EnableTokenRevocation',
        problem: expect.stringContaining('refresh token stays valid until it expires'),
        fix: `aws cognito-idp update-user-pool-client --user-pool-id ${POOL} --client-id ${CLIENT} --enable-token-revocation`,
        note: expect.stringContaining('update-user-pool-client resets every setting you leave out'),
      },
    ]);
    // On (or not reported, as by clients made before it existed): no warning.
    expect(readiness(facts({ client: { EnableTokenRevocation: true } })).warnings).toEqual([]);
  });

  it('the flow named at target add wins; refused when the client does not allow it', () => {
    const r = readiness(
      facts({ client: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }, rest: { authFlow: 'password' } }),
    );
    expect(r.kinds.signin).toMatchObject({ ready: false, authFlow: 'password' });
    expect(r.kinds.signin.problems[0]!.problem).toBe('the app client does not allow ALLOW_USER_PASSWORD_AUTH');
    expect(r.notes.join('\n')).toContain('checks sign in with password (USER_PASSWORD_AUTH), as named at target add');
  });

  it('a client that allows no flow a check uses: refused, no flow', () => {
    const r = readiness(facts({ client: { ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } }));
    expect(r.kinds.signin).toMatchObject({ ready: false, authFlow: undefined });
    expect(r.kinds.signin.problems[0]!.problem).toContain('allows none of ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_USER_AUTH');
  });

  it('user-auth on a pool whose first factors exclude PASSWORD: refused, with the SignInPolicy to set', () => {
    const r = readiness(
      facts({
        pool: { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['EMAIL_OTP'] } } },
        client: { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
      }),
    );
    expect(r.kinds.signin.ready).toBe(false);
    expect(r.kinds.signin.problems[0]).toMatchObject({
      setting: 'Policies.SignInPolicy.AllowedFirstAuthFactors',
      fix: expect.stringContaining("--policies 'SignInPolicy={AllowedFirstAuthFactors=[EMAIL_OTP,PASSWORD]}'"),
    });
  });

  it('sign-up disabled (AllowAdminCreateUserOnly): sign-in checks only', () => {
    const r = readiness(facts({ pool: { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.kinds.signup.ready).toBe(false);
    expect(r.kinds.signup.problems[0]).toMatchObject({
      setting: 'AdminCreateUserConfig.AllowAdminCreateUserOnly',
      problem: expect.stringContaining('use signin checks'),
      fix: expect.stringContaining('--admin-create-user-config AllowAdminCreateUserOnly=false'),
    });
  });

  it.each([
    [['email'], 'a sign-up code would go by e-mail'],
    [[], 'sign-up sends no code'],
  ])('auto-verified %j: signup refused (%s), signin ready', (attributes, problem) => {
    const r = readiness(facts({ pool: { AutoVerifiedAttributes: attributes } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.kinds.signup.problems).toEqual([
      {
        setting: 'AutoVerifiedAttributes',
        problem: expect.stringContaining(problem),
        fix: expect.stringContaining('--auto-verified-attributes phone_number'),
        note: expect.stringContaining('update-user-pool resets every setting you leave out'),
      },
    ]);
  });

  it('email usernames: ready; synthetic users are synthetic-…@example.invalid', () => {
    const r = readiness(facts({ pool: { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email', 'phone_number'] } }));
    expect(r.kinds.signup.ready).toBe(true);
    expect(r.notes.join('\n')).toContain('synthetic-…@example.invalid');
  });

  it('phone usernames: signin ready; signup not ready, as prepareRun refuses it (PhoneUsernamePool)', () => {
    const r = readiness(facts({ pool: { UsernameAttributes: ['phone_number'] } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.kinds.signup.ready).toBe(false);
    expect(r.kinds.signup.problems).toEqual([
      { setting: 'UsernameAttributes', problem: expect.stringContaining('PhoneUsernamePool'), note: expect.any(String) },
    ]);
    expect(r.notes.join('\n')).toContain('one such user per phone');
  });

  it('phone and email usernames: users are named by e-mail (as the checks name them), so signup stays ready', () => {
    const r = readiness(facts({ pool: { UsernameAttributes: ['phone_number', 'email'] } }));
    expect(r.kinds.signup.ready).toBe(true);
  });

  describe('required attributes the checks do not fill (AdminCreateUser and SignUp would fail)', () => {
    const schema = (...required: string[]) => ({
      SchemaAttributes: [
        { Name: 'sub', Required: true },
        { Name: 'phone_number', Required: true },
        { Name: 'email', Required: false },
        ...required.map((Name) => ({ Name, Required: true })),
      ],
    });

    it('refuses both kinds, naming each attribute', () => {
      // sub is Required in every pool's schema (Cognito sets it): not a problem, nor phone_number.
      const r = readiness(facts({ pool: { ...schema('given_name', 'birthdate') } }));
      for (const kind of ['signin', 'signup'] as const) {
        expect(r.kinds[kind].ready).toBe(false);
        expect(r.kinds[kind].problems).toEqual([
          {
            setting: 'SchemaAttributes',
            problem: expect.stringContaining('requires attributes given_name, birthdate'),
            note: expect.any(String),
          },
        ]);
      }
    });

    it('refuses email required on a pool whose usernames are not e-mail addresses, and accepts it on one whose are', () => {
      expect(readiness(facts({ pool: schema('email') })).kinds.signin.problems[0]?.problem).toContain('requires attribute email,');
      const byEmail = readiness(facts({ pool: { ...schema('email'), UsernameAttributes: ['email'] } }));
      expect(byEmail.kinds.signin.ready).toBe(true);
      expect(byEmail.kinds.signup.ready).toBe(true);
    });
  });

  it('aliases: a phone alias warns (a verified phone belongs to one user); an email alias is a note', () => {
    expect(settings(readiness(facts({ pool: { AliasAttributes: ['phone_number', 'email'] } })).warnings)).toEqual(['AliasAttributes']);
    const email = readiness(facts({ pool: { AliasAttributes: ['email', 'preferred_username'] } }));
    expect(email.warnings).toEqual([]);
    expect(email.notes.join('\n')).toContain('sign-in aliases email, preferred_username');
  });

  it('a client secret: supported, said so, and the secret appears nowhere in the readiness', () => {
    const r = readiness(facts({ client: { ClientSecret: SECRET } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.notes.join('\n')).toContain('the app client has a secret: supported, read at run time');
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('the SMS sandbox: a warning with the command that verifies the check phone; unreadable: "not checked"', () => {
    const r = readiness(facts({ rest: { smsSandbox: true } }));
    expect(r.kinds.signin.ready).toBe(true);
    expect(r.warnings).toEqual([
      {
        setting: 'SNS SMS sandbox',
        problem: expect.stringContaining('sandbox in eu-west-1'),
        fix: 'npm run cli -- sms-sandbox-verify --stage <stage> --phone <+E164>',
        note: 'or request production SMS access in the SNS console',
      },
    ]);
    const unread = readiness(facts({ rest: { smsSandbox: { notChecked: 'could not read (AuthorizationError)' } } }));
    expect(unread.warnings).toEqual([{ setting: 'SNS SMS sandbox', problem: 'not checked: could not read (AuthorizationError)' }]);
  });

  it('every fix is one command to copy, nothing else in it; what to know before running it is a separate note', () => {
    const r = readiness(
      facts({
        pool: {
          MfaConfiguration: 'OFF',
          SmsConfiguration: undefined,
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          AutoVerifiedAttributes: [],
        },
        mfa: { MfaConfiguration: 'OFF', SmsMfaConfiguration: undefined },
        client: { ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'] },
        rest: { smsSandbox: true },
      }),
    );
    const findings = [...r.kinds.signup.problems, ...Object.values(r.kinds.signup.flows).flatMap((f) => f.problems), ...r.warnings];
    expect(findings.length).toBeGreaterThanOrEqual(7);
    for (const f of findings.filter((x) => x.fix)) expect(f.fix).toMatch(/^(aws (cognito-idp|iam) [a-z-]+|npm run cli --) [^()]*$/);
  });

  it('a Custom SMS Sender on the pool: a warning (codes go to that Lambda)', () => {
    const r = readiness(
      facts({
        pool: { LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:eu-west-1:1:function:sender', LambdaVersion: 'V1_0' } } },
      }),
    );
    expect(r.kinds.signin.ready).toBe(true);
    expect(settings(r.warnings)).toEqual(['LambdaConfig.CustomSMSSender']);
  });
});
