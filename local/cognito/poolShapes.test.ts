/**
 * The fidelity fixes for pool shapes other than the seed's (fidelity/mfaPreference.ts,
 * usernameAttributes.ts, aliasAttributes.ts, requestRegion.ts): MFA OPTIONAL with a user's SMS
 * preference, email or phone usernames, sign-in aliases, and pools in any Region. As in
 * fidelity.test.ts, each block shows Cognito's behaviour with the fix and cognito-local's with it
 * switched off; the AWS documentation each follows is cited in the fix's file and below.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { regionOfUserPool } from '../../lib/cognito/region';
import { startLocalCognito, type LocalCognito } from './server';
import { regionOfAuthorization } from './fidelity/requestRegion';
import type { FidelityFix } from './fidelity/types';
import { PASSWORD, PHONE, cognitoClient, decodeJwt, lastSms, signUpAndConfirm, smsMfaPoolInput } from './testing';

interface Env {
  local: LocalCognito;
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
}

const open: Array<{ local: LocalCognito; clients: CognitoIdentityProviderClient[] }> = [];
afterAll(async () => {
  for (const o of open) for (const c of o.clients) c.destroy();
  await Promise.all(open.map((o) => o.local.close()));
});

async function start(without?: FidelityFix) {
  const local = await startLocalCognito(without ? { fidelity: { [without]: false } } : {});
  const client = cognitoClient(local.url);
  open.push({ local, clients: [client] });
  return { local, client };
}

async function pool(l: { local: LocalCognito; client: CognitoIdentityProviderClient }, input: Partial<CreateUserPoolCommandInput>) {
  const out = await l.client.send(new CreateUserPoolCommand({ ...smsMfaPoolInput(), ...input }));
  const userPoolId = out.UserPool!.Id!;
  const app = await l.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'c',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  return { ...l, userPoolId, clientId: app.UserPoolClient!.ClientId! };
}

async function env(input: Partial<CreateUserPoolCommandInput>, without?: FidelityFix): Promise<Env> {
  return pool(await start(without), input);
}

const signIn = (e: Env, username: string, password = PASSWORD) =>
  e.client.send(
    new InitiateAuthCommand({
      ClientId: e.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
const answerMfa = (e: Env, session: string | undefined, username: string) =>
  e.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: e.clientId,
      ChallengeName: 'SMS_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: username, SMS_MFA_CODE: lastSms(e.local, 'MFA').code },
    }),
  );
const smsPreference = (e: Env, username: string, Enabled: boolean) =>
  e.client.send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId: e.userPoolId,
      Username: username,
      SMSMfaSettings: { Enabled, PreferredMfa: Enabled },
    }),
  );
/** A user made by an administrator, with a permanent password and no message sent. */
async function adminUser(e: Env, username: string, attributes: Record<string, string>) {
  const out = await e.client.send(
    new AdminCreateUserCommand({
      UserPoolId: e.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await e.client.send(
    new AdminSetUserPasswordCommand({ UserPoolId: e.userPoolId, Username: username, Password: PASSWORD, Permanent: true }),
  );
  return out.User!;
}
const attr = (attrs: Array<{ Name?: string; Value?: string }> | undefined, name: string) => attrs?.find((a) => a.Name === name)?.Value;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('MFA OPTIONAL and the user MFA preference (mfaPreference)', () => {
  // API reference, SMSMfaSettingsType: "Phone numbers don't need to be verified to be used for SMS
  // MFA"; "You can't turn off SMS MFA for any of your users when MFA is required in your user pool".
  // CreateUserPool, MfaConfiguration OPTIONAL: "Amazon Cognito generates MFA prompts in API
  // responses ... for users who have chosen and configured a preferred MFA factor."
  it('on an OPTIONAL pool, a user with SMS MFA enabled (AdminSetUserMFAPreference) is challenged; without it, tokens', async () => {
    // given a confirmed user in a pool with MFA OPTIONAL
    const e = await env({ MfaConfiguration: 'OPTIONAL' });
    await signUpAndConfirm(e.local, e.client, e.clientId);
    // then, before any preference, the password alone signs in
    expect((await signIn(e, 'user1')).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    // when SMS MFA is enabled and preferred
    await expect(smsPreference(e, 'user1', true)).resolves.toBeDefined();
    const user = await e.client.send(new AdminGetUserCommand({ UserPoolId: e.userPoolId, Username: 'user1' }));
    expect(user).toMatchObject({ UserMFASettingList: ['SMS_MFA'], PreferredMfaSetting: 'SMS_MFA' });
    // then sign-in is challenged with SMS_MFA, and the code signs in
    const challenge = await signIn(e, 'user1');
    expect(challenge.ChallengeName).toBe('SMS_MFA');
    expect(challenge.ChallengeParameters).toMatchObject({
      CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
      CODE_DELIVERY_DESTINATION: '+*******0100',
    });
    expect(lastSms(e.local, 'MFA')).toMatchObject({ phoneNumber: PHONE, username: 'user1' });
    await expect(answerMfa(e, challenge.Session, 'user1')).resolves.toHaveProperty('AuthenticationResult.AccessToken');
    // and once disabled again, tokens without a challenge
    await smsPreference(e, 'user1', false);
    expect((await signIn(e, 'user1')).ChallengeName).toBeUndefined();
  });

  it('SetUserMFAPreference (the user’s own access token) enables SMS MFA on OPTIONAL and ON pools without breaking sign-in', async () => {
    for (const MfaConfiguration of ['OPTIONAL', 'ON'] as const) {
      // given a signed-in user
      const e = await env({ MfaConfiguration });
      await signUpAndConfirm(e.local, e.client, e.clientId);
      const first = await signIn(e, 'user1');
      const tokens = first.AuthenticationResult ?? (await answerMfa(e, first.Session, 'user1')).AuthenticationResult;
      // when the user turns SMS MFA on for themselves
      await e.client.send(
        new SetUserMFAPreferenceCommand({ AccessToken: tokens!.AccessToken, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }),
      );
      // then the next sign-in is an SMS_MFA challenge that completes
      const next = await signIn(e, 'user1');
      expect(next.ChallengeName).toBe('SMS_MFA');
      await expect(answerMfa(e, next.Session, 'user1')).resolves.toHaveProperty('AuthenticationResult.AccessToken');
    }
  });

  it('refuses SMS MFA for a user without a phone number, and an unknown user, as Cognito does', async () => {
    const e = await env({ MfaConfiguration: 'OPTIONAL' });
    await adminUser(e, 'nophone', {});
    await expect(smsPreference(e, 'nophone', true)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'User does not have delivery config set to turn on SMS_MFA',
    });
    await expect(smsPreference(e, 'nobody', true)).rejects.toMatchObject({
      name: 'UserNotFoundException',
      message: 'User does not exist.',
    });
  });

  it('without the fix AdminSetUserMFAPreference is unsupported and SetUserMFAPreference breaks sign-in', async () => {
    const e = await env({ MfaConfiguration: 'OPTIONAL' }, 'mfaPreference');
    await signUpAndConfirm(e.local, e.client, e.clientId);
    await expect(smsPreference(e, 'user1', true)).rejects.toMatchObject({
      name: 'Unsupported',
      message: expect.stringContaining('Unsupported x-amz-target header "AdminSetUserMFAPreference"'),
    });
    const tokens = (await signIn(e, 'user1')).AuthenticationResult!;
    await e.client.send(
      new SetUserMFAPreferenceCommand({ AccessToken: tokens.AccessToken, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    await expect(signIn(e, 'user1')).rejects.toMatchObject({
      name: 'Unsupported',
      message: expect.stringContaining('SMS_MFA without SMS MFAOption'),
    });
  });
});

describe('UsernameAttributes: email or phone number as username (usernameAttributes)', () => {
  // Developer guide, "Working with user attributes", Customizing sign-in attributes, option 2.
  const EMAIL = 'alice@example.invalid';
  const signUp = (e: Env, Username: string, phone = PHONE) =>
    e.client.send(
      new SignUpCommand({ ClientId: e.clientId, Username, Password: PASSWORD, UserAttributes: [{ Name: 'phone_number', Value: phone }] }),
    );

  it('an email pool: the username must be an email, the user is stored under a UUID (= sub), and the email finds it everywhere', async () => {
    // given a pool whose users sign up with their email
    const e = await env({ UsernameAttributes: ['email'] });
    await expect(signUp(e, 'alice')).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Username should be an email.' });
    // when alice signs up and confirms with her email
    const { UserSub } = await signUp(e, EMAIL);
    expect(UserSub).toMatch(UUID);
    await e.client.send(
      new ConfirmSignUpCommand({ ClientId: e.clientId, Username: EMAIL, ConfirmationCode: lastSms(e.local, 'SIGN_UP').code }),
    );
    // then her username is the UUID, her email the one she signed up with
    const user = await e.client.send(new AdminGetUserCommand({ UserPoolId: e.userPoolId, Username: EMAIL }));
    expect(user.Username).toBe(UserSub);
    expect(attr(user.UserAttributes, 'sub')).toBe(UserSub);
    expect(attr(user.UserAttributes, 'email')).toBe(EMAIL);
    // and the challenge names the real username (USER_ID_FOR_SRP), which the answer must use
    // (AdminInitiateAuth, ChallengeParameters: "You must use the username and not an alias"); the tokens carry it
    const challenge = await signIn(e, EMAIL);
    expect(challenge.ChallengeParameters?.USER_ID_FOR_SRP).toBe(UserSub);
    await expect(answerMfa(e, challenge.Session, EMAIL)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const done = await answerMfa(e, challenge.Session, UserSub!);
    expect(decodeJwt(done.AuthenticationResult!.AccessToken!).payload).toMatchObject({ sub: UserSub, username: UserSub });
    // and the email is unique in the pool, whoever asks
    const taken = { name: 'UsernameExistsException', message: 'An account with the given email already exists.' };
    await expect(signUp(e, EMAIL, '+15555550111')).rejects.toMatchObject(taken);
    await expect(adminUser(e, EMAIL, {})).rejects.toMatchObject(taken);
    // and admin calls take the email in place of the username
    await e.client.send(
      new AdminSetUserPasswordCommand({ UserPoolId: e.userPoolId, Username: EMAIL, Password: 'N3w-Horse!x', Permanent: true }),
    );
    expect((await signIn(e, EMAIL, 'N3w-Horse!x')).ChallengeName).toBe('SMS_MFA');
    await e.client.send(new AdminDeleteUserCommand({ UserPoolId: e.userPoolId, Username: EMAIL }));
    await expect(e.client.send(new AdminGetUserCommand({ UserPoolId: e.userPoolId, Username: UserSub }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('a phone pool: an E.164 username, unique, signing in as its UUID', async () => {
    const e = await env({ UsernameAttributes: ['phone_number'] });
    await expect(adminUser(e, 'bob', {})).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username should be a phone number.',
    });
    const created = await adminUser(e, PHONE, {});
    expect(created.Username).toMatch(UUID);
    expect(attr(created.Attributes, 'phone_number')).toBe(PHONE);
    const challenge = await signIn(e, PHONE);
    expect(challenge).toMatchObject({ ChallengeName: 'SMS_MFA', ChallengeParameters: { USER_ID_FOR_SRP: created.Username } });
    await expect(answerMfa(e, challenge.Session, created.Username!)).resolves.toHaveProperty('AuthenticationResult.AccessToken');
    await expect(adminUser(e, PHONE, {})).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given phone_number already exists.',
    });
  });

  it('a pool taking either names both in its refusal', async () => {
    const e = await env({ UsernameAttributes: ['email', 'phone_number'] });
    await expect(signUp(e, 'carol')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username should be either an email or a phone number.',
    });
    await expect(signUp(e, '+15555550122', '+15555550122')).resolves.toMatchObject({ UserSub: expect.stringMatching(UUID) });
  });

  it('without the fix a phone pool takes any username and keeps the phone number as the username', async () => {
    const e = await env({ UsernameAttributes: ['phone_number'] }, 'usernameAttributes');
    await expect(adminUser(e, 'bob', {})).resolves.toMatchObject({ Username: 'bob' });
    expect((await adminUser(e, PHONE, {})).Username).toBe(PHONE);
  });
});

describe('AliasAttributes: the username is kept, a verified alias also signs in (aliasAttributes)', () => {
  // Developer guide, "Working with user attributes", Customizing sign-in attributes, option 1, and
  // the note on alias uniqueness (AliasExistsException, ForceAliasCreation).
  const signUp = (e: Env, Username: string, phone = PHONE) =>
    e.client.send(
      new SignUpCommand({ ClientId: e.clientId, Username, Password: PASSWORD, UserAttributes: [{ Name: 'phone_number', Value: phone }] }),
    );
  const confirm = (e: Env, Username: string, code: string, ForceAliasCreation?: boolean) =>
    e.client.send(new ConfirmSignUpCommand({ ClientId: e.clientId, Username, ConfirmationCode: code, ForceAliasCreation }));

  it('a verified phone alias signs in as its user; an unverified one does not; the alias moves only when forced', async () => {
    // given a phone-alias pool and alice, confirmed (her phone verified by the code)
    const e = await env({ AliasAttributes: ['phone_number'] });
    await expect(signUp(e, PHONE)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username cannot be of phone number format, since user pool is configured for phone number alias.',
    });
    await signUpAndConfirm(e.local, e.client, e.clientId, 'alice');
    // then her phone signs in as alice
    const challenge = await signIn(e, PHONE);
    expect(challenge.ChallengeParameters?.USER_ID_FOR_SRP).toBe('alice');
    await expect(answerMfa(e, challenge.Session, PHONE)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(answerMfa(e, challenge.Session, 'alice')).resolves.toHaveProperty('AuthenticationResult.AccessToken');
    // and an alias nobody has verified names nobody
    await signUp(e, 'carol', '+15555550199');
    await expect(signIn(e, '+15555550199')).rejects.toMatchObject({ name: 'UserNotFoundException' });
    // when bob signs up with alice's phone, then confirming is refused until he forces the alias
    await signUp(e, 'bob');
    const code = lastSms(e.local, 'SIGN_UP').code;
    await expect(confirm(e, 'bob', code)).rejects.toMatchObject({
      name: 'AliasExistsException',
      message: 'An account with the given phone_number already exists.',
    });
    await confirm(e, 'bob', code, true);
    const alice = await e.client.send(new AdminGetUserCommand({ UserPoolId: e.userPoolId, Username: 'alice' }));
    expect(attr(alice.UserAttributes, 'phone_number_verified')).toBe('false');
    expect((await signIn(e, PHONE)).ChallengeParameters?.USER_ID_FOR_SRP).toBe('bob');
  });

  it('an email alias: no email-shaped usernames, a verified email signs in, and it belongs to one account', async () => {
    const e = await env({ AliasAttributes: ['email'] });
    const email = { email: 'dave@example.invalid', email_verified: 'true', phone_number: PHONE };
    await expect(adminUser(e, 'dave@example.invalid', email)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username cannot be of email format, since user pool is configured for email alias.',
    });
    await adminUser(e, 'dave', email);
    expect((await signIn(e, 'dave@example.invalid')).ChallengeParameters?.USER_ID_FOR_SRP).toBe('dave');
    await expect(adminUser(e, 'erin', email)).rejects.toMatchObject({
      name: 'AliasExistsException',
      message: 'An account with the given email already exists.',
    });
  });

  it('without the fix an alias is unknown and an alias-shaped username is accepted', async () => {
    const e = await env({ AliasAttributes: ['phone_number'] }, 'aliasAttributes');
    await signUpAndConfirm(e.local, e.client, e.clientId, 'alice');
    await expect(signIn(e, PHONE)).rejects.toMatchObject({ name: 'UserNotFoundException' });
    await expect(signUp(e, '+15555550133', '+15555550133')).resolves.toMatchObject({ UserConfirmed: false });
  });
});

describe('pools in any Region (requestRegion)', () => {
  const clientIn = (local: LocalCognito, region: string) => cognitoClient(local.url, region);

  it('reads the Region from the SigV4 credential scope', () => {
    expect(
      regionOfAuthorization(
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=ab',
      ),
    ).toBe('eu-west-1');
    expect(regionOfAuthorization(undefined)).toBeUndefined();
    expect(regionOfAuthorization('Bearer x')).toBeUndefined();
  });

  it('names each pool after the Region its creator signed for, in the id, the ARN and the tokens’ issuer', async () => {
    // given clients signing for two Regions
    const l = await start();
    const eu = clientIn(l.local, 'eu-west-1');
    const ap = clientIn(l.local, 'ap-southeast-2');
    open[open.length - 1]!.clients.push(eu, ap);
    // when each creates a pool
    const euPool = await pool({ local: l.local, client: eu }, {});
    const apPool = await pool({ local: l.local, client: ap }, {});
    // then ids and ARNs name their Regions, as regionOfUserPool (and aws-jwt-verify) read them
    expect(regionOfUserPool(euPool.userPoolId)).toBe('eu-west-1');
    expect(regionOfUserPool(apPool.userPoolId)).toBe('ap-southeast-2');
    const described = await eu.send(new DescribeUserPoolCommand({ UserPoolId: euPool.userPoolId }));
    expect(described.UserPool?.Arn).toBe(`arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${euPool.userPoolId}`);
    // and a sign-in's tokens are issued by that pool (endpoint + pool id, as lib/cognito/issuer.ts expects)
    await signUpAndConfirm(l.local, eu, euPool.clientId);
    const e = { ...euPool, client: eu };
    const done = await answerMfa(e, (await signIn(e, 'user1')).Session, 'user1');
    expect(decodeJwt(done.AuthenticationResult!.IdToken!).payload.iss).toBe(`${l.local.url}/${euPool.userPoolId}`);
    // and, Cognito being regional, a client signing for another Region does not find the pool (replicas fix)
    await expect(l.client.send(new DescribeUserPoolCommand({ UserPoolId: euPool.userPoolId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('gives an unsigned request the cloud’s Region', async () => {
    const local = await startLocalCognito({ region: 'eu-central-1' });
    open.push({ local, clients: [] });
    const res = await fetch(local.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.CreateUserPool' },
      body: JSON.stringify({ PoolName: 'unsigned' }),
    });
    expect(((await res.json()) as { UserPool: { Id: string } }).UserPool.Id).toMatch(/^eu-central-1_/);
  });

  it('without the fix every pool is in the cloud’s Region', async () => {
    const l = await start('requestRegion');
    const eu = clientIn(l.local, 'eu-west-1');
    open[open.length - 1]!.clients.push(eu);
    expect(regionOfUserPool((await pool({ local: l.local, client: eu }, {})).userPoolId)).toBe('us-east-1');
  });
});
