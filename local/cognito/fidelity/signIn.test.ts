/**
 * The sign-in paths cognito-local lacks: SRP, choice-based USER_AUTH, the feature plan,
 * GetTokensFromRefreshToken with rotation, and revoked refresh tokens. One block per fix, each
 * with what happens when it is switched off.
 */
import {
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createSrpSession, signSrpSession, wrapAuthChallenge, wrapInitiateAuth } from 'cognito-srp-helper';
import { startLocalCognito, type LocalCognito } from '../server';
import { secretHash } from './appClient';
import type { FidelityFix } from './types';
import { PASSWORD, cognitoClient, createPoolAndClient, decodeJwt, lastSms, signUpAndConfirm, smsMfaPoolInput, wrongCode } from '../testing';

interface Env {
  local: LocalCognito;
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
}

const open: Env[] = [];
async function env(without?: FidelityFix, pool: CreateUserPoolCommandInput = smsMfaPoolInput()): Promise<Env> {
  const local = await startLocalCognito(without ? { fidelity: { [without]: false } } : {});
  const client = cognitoClient(local.url);
  const e = { local, client, ...(await createPoolAndClient(client, pool)) };
  open.push(e);
  return e;
}
afterAll(async () => {
  for (const e of open) e.client.destroy();
  await Promise.all(open.map((e) => e.local.close()));
});

/** Another app client of the pool: other flows, a secret, rotation. */
async function otherClient(e: Env, input: Omit<CreateUserPoolClientCommandInput, 'UserPoolId' | 'ClientName'>) {
  const out = await e.client.send(new CreateUserPoolClientCommand({ UserPoolId: e.userPoolId, ClientName: 'other', ...input }));
  return { clientId: out.UserPoolClient!.ClientId!, secret: out.UserPoolClient!.ClientSecret };
}

/** USER_SRP_AUTH then PASSWORD_VERIFIER, computed by cognito-srp-helper (an independent client). */
async function srpSignIn(
  e: Env,
  {
    clientId = e.clientId,
    password = PASSWORD,
    username = 'user1',
    secret,
  }: { clientId?: string; password?: string; username?: string; secret?: string } = {},
) {
  const hash = (name: string): Record<string, string> => (secret ? { SECRET_HASH: secretHash(secret, name, clientId) } : {});
  const session = createSrpSession(username, password, e.userPoolId, false);
  const challenge = await e.client.send(
    new InitiateAuthCommand(
      wrapInitiateAuth(session, {
        ClientId: clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: username, ...hash(username) },
      }),
    ),
  );
  const userId = challenge.ChallengeParameters!.USER_ID_FOR_SRP!;
  const signed = signSrpSession(session, challenge);
  const answer = await e.client.send(
    new RespondToAuthChallengeCommand(
      wrapAuthChallenge(signed, {
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: userId, ...hash(userId) },
      }),
    ),
  );
  return { challenge, answer };
}

const answerMfa = (e: Env, session: string | undefined, code: string, clientId = e.clientId, extra: Record<string, string> = {}) =>
  e.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'SMS_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: 'user1', SMS_MFA_CODE: code, ...extra },
    }),
  );

describe('USER_SRP_AUTH, verified for real', () => {
  // InitiateAuth (USER_SRP_AUTH: USERNAME, SRP_A → PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP)
  // and RespondToAuthChallenge (PASSWORD_VERIFIER: PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP),
  // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
  let srpEnv: Env;
  it('answers PASSWORD_VERIFIER, accepts the right claim and goes on to SMS_MFA as after USER_PASSWORD_AUTH', async () => {
    const e = (srpEnv = await env());
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const { challenge, answer } = await srpSignIn(e);
    expect(challenge.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(challenge.ChallengeParameters!).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    expect(challenge.ChallengeParameters).toMatchObject({ USER_ID_FOR_SRP: 'user1', SALT: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(challenge.Session).toEqual(expect.any(String));
    expect(answer.ChallengeName).toBe('SMS_MFA');
    expect(answer.ChallengeParameters).toMatchObject({ CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0100' });
    const done = await answerMfa(e, answer.Session, lastSms(e.local, 'MFA').code);
    expect(done.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, AccessToken: expect.any(String) });
  });

  it('refuses a wrong password with NotAuthorizedException and sends no code; the salt stays the user’s', async () => {
    const e = srpEnv;
    const sent = e.local.sent.length;
    const wrong = srpSignIn(e, { password: 'Wr0ng-Horse!' });
    await expect(wrong).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(e.local.sent.length).toBe(sent);
    // A replayed secret block is refused too (single use).
    const session = createSrpSession('user1', PASSWORD, e.userPoolId, false);
    const challenge = await e.client.send(
      new InitiateAuthCommand(
        wrapInitiateAuth(session, { ClientId: e.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'user1' } }),
      ),
    );
    const again = await e.client.send(
      new InitiateAuthCommand(
        wrapInitiateAuth(session, { ClientId: e.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'user1' } }),
      ),
    );
    expect(again.ChallengeParameters!.SALT).toBe(challenge.ChallengeParameters!.SALT);
    expect(again.ChallengeParameters!.SRP_B).not.toBe(challenge.ChallengeParameters!.SRP_B);
    await expect(
      e.client.send(
        new InitiateAuthCommand({ ClientId: e.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'nobody', SRP_A: 'ab' } }),
      ),
    ).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('gives tokens straight away where MFA is off, and needs SECRET_HASH on both calls for a client with a secret', async () => {
    const e = await env(undefined, { ...smsMfaPoolInput('NoMfa'), MfaConfiguration: 'OFF' });
    await signUpAndConfirm(e.local, e.client, e.clientId);
    expect((await srpSignIn(e)).answer.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    const { clientId, secret } = await otherClient(e, {
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    await expect(srpSignIn(e, { clientId })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${clientId}`,
    });
    expect((await srpSignIn(e, { clientId, secret })).answer.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('without the fix cognito-local does not know USER_SRP_AUTH', async () => {
    const e = await env('srp');
    await signUpAndConfirm(e.local, e.client, e.clientId);
    await expect(srpSignIn(e)).rejects.toMatchObject({ name: 'Unsupported' });
  });
});

const userAuthClient = { ExplicitAuthFlows: ['ALLOW_USER_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const] };
const initiateUserAuth = (e: Env, clientId: string, params: Record<string, string>) =>
  e.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'user1', ...params } }));
const select = (e: Env, clientId: string, session: string | undefined, responses: Record<string, string>) =>
  e.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'SELECT_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: 'user1', ...responses },
    }),
  );

describe('USER_AUTH (choice-based sign-in)', () => {
  // InitiateAuth USER_AUTH, RespondToAuthChallenge SELECT_CHALLENGE / SMS_OTP (API reference), SignInPolicyType
  // AllowedFirstAuthFactors, https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
  let userAuthEnv: Env;
  it('offers PASSWORD and PASSWORD_SRP by default; PASSWORD goes on to SMS_MFA, a wrong one is refused', async () => {
    const e = (userAuthEnv = await env());
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const { clientId } = await otherClient(e, userAuthClient);
    const choice = await initiateUserAuth(e, clientId, {});
    expect(choice).toMatchObject({ ChallengeName: 'SELECT_CHALLENGE', AvailableChallenges: ['PASSWORD', 'PASSWORD_SRP'] });
    await expect(select(e, clientId, choice.Session, { ANSWER: 'SMS_OTP' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(select(e, clientId, choice.Session, { ANSWER: 'PASSWORD', PASSWORD: 'Wr0ng-Horse!' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const mfa = await select(e, clientId, choice.Session, { ANSWER: 'PASSWORD', PASSWORD });
    expect(mfa.ChallengeName).toBe('SMS_MFA');
    expect((await answerMfa(e, mfa.Session, lastSms(e.local, 'MFA').code, clientId)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );
    // PREFERRED_CHALLENGE with its parameter skips the choice.
    expect((await initiateUserAuth(e, clientId, { PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD })).ChallengeName).toBe('SMS_MFA');
    // The client must allow USER_AUTH.
    await expect(initiateUserAuth(e, e.clientId, {})).rejects.toMatchObject({ message: 'USER_AUTH flow not enabled for this client' });
  });

  it('PASSWORD_SRP continues with PASSWORD_VERIFIER and SMS_MFA', async () => {
    const e = userAuthEnv;
    const { clientId } = await otherClient(e, userAuthClient);
    const session = createSrpSession('user1', PASSWORD, e.userPoolId, false);
    const choice = await initiateUserAuth(e, clientId, {});
    const verifier = await select(e, clientId, choice.Session, { ANSWER: 'PASSWORD_SRP', SRP_A: session.largeA });
    expect(verifier.ChallengeName).toBe('PASSWORD_VERIFIER');
    const signed = signSrpSession(session, verifier as InitiateAuthCommandOutput);
    const mfa = await e.client.send(
      new RespondToAuthChallengeCommand(
        wrapAuthChallenge(signed, {
          ClientId: clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: verifier.Session,
          ChallengeResponses: { USERNAME: 'user1' },
        }),
      ),
    );
    expect(mfa.ChallengeName).toBe('SMS_MFA');
  });

  it('binds the session to the user, whatever case the username was typed in', async () => {
    const e = userAuthEnv;
    const { clientId } = await otherClient(e, userAuthClient);
    const choice = await initiateUserAuth(e, clientId, { USERNAME: 'USER1' });
    const mfa = await select(e, clientId, choice.Session, { USERNAME: 'USER1', ANSWER: 'PASSWORD', PASSWORD });
    expect(mfa.ChallengeName).toBe('SMS_MFA');
  });

  it('SMS_OTP, where the pool allows it as a first factor: a code by SMS, then tokens without MFA', async () => {
    const e = await env(undefined, {
      ...smsMfaPoolInput('Passwordless'),
      MfaConfiguration: 'OFF',
      Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } },
    });
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const { clientId } = await otherClient(e, userAuthClient);
    const choice = await initiateUserAuth(e, clientId, {});
    expect(choice.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'SMS_OTP']);
    const otp = await select(e, clientId, choice.Session, { ANSWER: 'SMS_OTP' });
    expect(otp).toMatchObject({
      ChallengeName: 'SMS_OTP',
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0100' },
    });
    const code = lastSms(e.local, 'MFA').code;
    const answer = (c: string) =>
      e.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'SMS_OTP',
          Session: otp.Session,
          ChallengeResponses: { USERNAME: 'user1', SMS_OTP_CODE: c },
        }),
      );
    await expect(answer(wrongCode(code))).rejects.toMatchObject({ name: 'CodeMismatchException' });
    const done = await answer(code);
    expect(decodeJwt(done.AuthenticationResult!.AccessToken!).payload).toMatchObject({ token_use: 'access', client_id: clientId });
    // A user without a verified phone is not offered SMS_OTP.
    await e.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: e.userPoolId,
        Username: 'user1',
        UserAttributes: [
          { Name: 'phone_number', Value: '+15555550199' },
          { Name: 'phone_number_verified', Value: 'false' },
        ],
      }),
    );
    expect((await initiateUserAuth(e, clientId, {})).AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP']);
  });

  it('without the fix cognito-local does not know USER_AUTH', async () => {
    const e = await env('userAuth');
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const { clientId } = await otherClient(e, userAuthClient);
    await expect(initiateUserAuth(e, clientId, {})).rejects.toMatchObject({ name: 'Unsupported' });
  });
});

describe('feature plan (UserPoolTier)', () => {
  // SignInPolicyType: "To activate this setting, your user pool must be in the Essentials tier or higher."
  const litePasswordless = (): CreateUserPoolCommandInput => ({
    ...smsMfaPoolInput('Lite'),
    UserPoolTier: 'LITE',
    Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } },
  });
  it('keeps the plan (Essentials by default) and refuses passwordless first factors on Lite', async () => {
    const e = await env();
    expect((await e.client.send(new DescribeUserPoolCommand({ UserPoolId: e.userPoolId }))).UserPool?.UserPoolTier).toBe('ESSENTIALS');
    await expect(e.client.send(new CreateUserPoolCommand(litePasswordless()))).rejects.toMatchObject({
      name: 'FeatureUnavailableInTierException',
    });
    const lite = await e.client.send(new CreateUserPoolCommand({ ...smsMfaPoolInput('Lite'), UserPoolTier: 'LITE' }));
    expect((await e.client.send(new DescribeUserPoolCommand({ UserPoolId: lite.UserPool!.Id }))).UserPool?.UserPoolTier).toBe('LITE');
  });
  it('without the fix the plan is dropped and Lite takes passwordless factors', async () => {
    const e = await env('featurePlan');
    const lite = await e.client.send(new CreateUserPoolCommand(litePasswordless()));
    expect((await e.client.send(new DescribeUserPoolCommand({ UserPoolId: lite.UserPool!.Id }))).UserPool?.UserPoolTier).toBeUndefined();
  });
});

async function signedInTokens(e: Env, clientId = e.clientId, secret?: string) {
  const hash: Record<string, string> = secret ? { SECRET_HASH: secretHash(secret, 'user1', clientId) } : {};
  const challenge = await e.client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'user1', PASSWORD, ...hash },
    }),
  );
  const done = await answerMfa(e, challenge.Session, lastSms(e.local, 'MFA').code, clientId, hash);
  return done.AuthenticationResult!;
}
const getTokens = (e: Env, clientId: string, token: string, ClientSecret?: string) =>
  e.client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: token, ClientSecret }));
const refreshAuth = (e: Env, clientId: string, token: string) =>
  e.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));

describe('GetTokensFromRefreshToken and refresh-token rotation', () => {
  // GetTokensFromRefreshToken and RefreshTokenRotationType (API reference); "Refresh token rotation must be
  // completed with GetTokensFromRefreshToken", https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
  const rotating = {
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH' as const],
    RefreshTokenRotation: { Feature: 'ENABLED' as const, RetryGracePeriodSeconds: 0 },
  };
  let refreshEnv: Env;
  it('without rotation: new ID and access tokens, no new refresh token', async () => {
    const e = (refreshEnv = await env());
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const login = await signedInTokens(e);
    const out = await getTokens(e, e.clientId, login.RefreshToken!);
    expect(out.AuthenticationResult).toMatchObject({
      AccessToken: expect.any(String),
      IdToken: expect.any(String),
      ExpiresIn: 3600,
      TokenType: 'Bearer',
    });
    expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
    await expect(getTokens(e, e.clientId, 'not-a-token')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
  });
  it('with rotation: a new refresh token each time, the old one refused at once, REFRESH_TOKEN_AUTH refused', async () => {
    const e = refreshEnv;
    const { clientId } = await otherClient(e, rotating);
    const described = await e.client.send(new DescribeUserPoolClientCommand({ UserPoolId: e.userPoolId, ClientId: clientId }));
    expect(described.UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 0 });
    const login = await signedInTokens(e, clientId);
    const first = await getTokens(e, clientId, login.RefreshToken!);
    const next = first.AuthenticationResult!.RefreshToken!;
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(login.RefreshToken);
    await expect(getTokens(e, clientId, login.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect((await getTokens(e, clientId, next)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    // Such a client should not list ALLOW_REFRESH_TOKEN_AUTH; one that does is still refused.
    await expect(refreshAuth(e, clientId, next)).rejects.toMatchObject({ message: 'REFRESH_TOKEN_AUTH flow not enabled for this client' });
    const both = await otherClient(e, { ...rotating, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    const bothLogin = await signedInTokens(e, both.clientId);
    await expect(refreshAuth(e, both.clientId, bothLogin.RefreshToken!)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: expect.stringContaining('GetTokensFromRefreshToken'),
    });
  });
  it('a client with a secret must send ClientSecret', async () => {
    const e = refreshEnv;
    const { clientId, secret } = await otherClient(e, { ...rotating, GenerateSecret: true });
    const login = await signedInTokens(e, clientId, secret);
    await expect(getTokens(e, clientId, login.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(getTokens(e, clientId, login.RefreshToken!, secret)).resolves.toHaveProperty('AuthenticationResult.RefreshToken');
  });
  it('without the fix the operation is unknown and the client forgets rotation', async () => {
    const e = await env('getTokensFromRefreshToken');
    const { clientId } = await otherClient(e, rotating);
    const described = await e.client.send(new DescribeUserPoolClientCommand({ UserPoolId: e.userPoolId, ClientId: clientId }));
    expect(described.UserPoolClient?.RefreshTokenRotation).toBeUndefined();
    await expect(getTokens(e, clientId, 'x')).rejects.toMatchObject({
      message: expect.stringContaining('Unsupported x-amz-target header'),
    });
  });
});

describe('RevokeToken', () => {
  // RevokeToken (API reference): "The client secret of the requested app client, if the client has a secret."
  const revoke = (e: Env, clientId: string, token: string, ClientSecret?: string) =>
    e.client.send(new RevokeTokenCommand({ ClientId: clientId, Token: token, ClientSecret }));
  let revokeEnv: Env;
  it('a revoked refresh token is refused with "Refresh Token has been revoked" on both refresh paths', async () => {
    const e = (revokeEnv = await env());
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const login = await signedInTokens(e);
    await revoke(e, e.clientId, login.RefreshToken!);
    const revoked = { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' };
    await expect(refreshAuth(e, e.clientId, login.RefreshToken!)).rejects.toMatchObject(revoked);
    await expect(getTokens(e, e.clientId, login.RefreshToken!)).rejects.toMatchObject(revoked);
  });
  it('a client with a secret must send ClientSecret', async () => {
    const e = revokeEnv;
    const { clientId, secret } = await otherClient(e, {
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const login = await signedInTokens(e, clientId, secret);
    await expect(revoke(e, clientId, login.RefreshToken!)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${clientId}`,
    });
    await expect(revoke(e, clientId, login.RefreshToken!, secret)).resolves.toBeDefined();
  });
  it('without the fix a revoked token is only "Invalid Refresh Token"', async () => {
    const e = await env('revokeToken');
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const login = await signedInTokens(e);
    await revoke(e, e.clientId, login.RefreshToken!);
    await expect(refreshAuth(e, e.clientId, login.RefreshToken!)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
  });
  it('without the secret-hash fix RevokeToken takes no ClientSecret', async () => {
    const e = await env('secretHash');
    await signUpAndConfirm(e.local, e.client, e.clientId);
    const { clientId } = await otherClient(e, {
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const login = await signedInTokens(e, clientId);
    await expect(revoke(e, clientId, login.RefreshToken!)).resolves.toBeDefined();
  });
});
