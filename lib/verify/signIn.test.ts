import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeSecretHash } from '../cognito/appClient';
import { mockPool } from '../../tests/support/cognitoPool';
import { planCheck } from './checkPlan';
import { resolveAuthFlow } from './resolveAuthFlow';
import { signIn } from './signIn';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'eu-west-1_Pool1';
const CLIENT_ID = 'client1abc';
const CLIENT = { region: 'eu-west-1', userPoolId: POOL, clientId: CLIENT_ID };
const SECRET = 'client-secret-value-never-shown';
const PASSWORD = 'Aa1!synthetic-password';
const SESSION = 'session-credential';
const SMS_MFA = {
  ChallengeName: 'SMS_MFA' as const,
  Session: 'mfa-session',
  ChallengeParameters: { CODE_DELIVERY_DESTINATION: '+*******1234', USER_ID_FOR_SRP: 'uuid-of-user' },
};
// SRP parameters of the shape Cognito sends (hex SALT and SRP_B, base64 SECRET_BLOCK); any non-zero SRP_B can be signed.
const VERIFIER = {
  ChallengeName: 'PASSWORD_VERIFIER' as const,
  Session: SESSION,
  ChallengeParameters: {
    SALT: 'abcdef0123456789',
    SRP_B: 'f'.repeat(256),
    SECRET_BLOCK: Buffer.from('block').toString('base64'),
    USER_ID_FOR_SRP: 'uuid-of-user',
  },
};
const err = (E: any, message: string) => new E({ message, $metadata: {} });

beforeEach(() => {
  cognito.reset();
  mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID });
});

describe('signIn', () => {
  it("password: USER_PASSWORD_AUTH in the pool's Region, SECRET_HASH over the sign-in name for a client with a secret", async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, secret: SECRET });
    cognito.on(InitiateAuthCommand).resolves(SMS_MFA);
    const out = await signIn({ client: CLIENT, flow: 'password', username: 'synthetic-x@example.invalid', password: PASSWORD });
    expect(out).toEqual({
      tokens: false,
      challengeName: 'SMS_MFA',
      session: 'mfa-session',
      username: 'uuid-of-user',
      parameters: SMS_MFA.ChallengeParameters,
    });
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: {
        USERNAME: 'synthetic-x@example.invalid',
        PASSWORD,
        SECRET_HASH: computeSecretHash(SECRET, 'synthetic-x@example.invalid', CLIENT_ID),
      },
    });
    expect(await cognito.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('password: no SECRET_HASH for a client without a secret', async () => {
    cognito.on(InitiateAuthCommand).resolves(SMS_MFA);
    await signIn({ client: CLIENT, flow: 'password', username: 'u', password: PASSWORD });
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input.AuthParameters).toEqual({ USERNAME: 'u', PASSWORD });
  });

  it('srp: USER_SRP_AUTH with SRP_A, then PASSWORD_VERIFIER as USER_ID_FOR_SRP with its SECRET_HASH; never the password', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, secret: SECRET });
    cognito.on(InitiateAuthCommand).resolves(VERIFIER);
    cognito.on(RespondToAuthChallengeCommand).resolves(SMS_MFA);
    const out = await signIn({ client: CLIENT, flow: 'srp', username: 'synthetic-x@example.invalid', password: PASSWORD });
    expect(out).toMatchObject({ tokens: false, challengeName: 'SMS_MFA', session: 'mfa-session', username: 'uuid-of-user' });
    const init = cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input;
    expect(init).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: 'synthetic-x@example.invalid', SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
    });
    expect(init.AuthParameters!.SECRET_HASH).toBe(computeSecretHash(SECRET, 'synthetic-x@example.invalid', CLIENT_ID));
    const respond = cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input;
    expect(respond).toMatchObject({
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: SESSION,
      ChallengeResponses: {
        USERNAME: 'uuid-of-user',
        SECRET_HASH: computeSecretHash(SECRET, 'uuid-of-user', CLIENT_ID),
        PASSWORD_CLAIM_SECRET_BLOCK: VERIFIER.ChallengeParameters.SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: expect.any(String),
        TIMESTAMP: expect.any(String),
      },
    });
    const sent = JSON.stringify(cognito.calls().map((c) => c.args[0].input));
    expect(sent).not.toContain(PASSWORD);
    expect(JSON.stringify(out)).not.toContain(SESSION);
  });

  it('user-auth: USER_AUTH preferring PASSWORD_SRP, answers SELECT_CHALLENGE with PASSWORD_SRP, then PASSWORD_VERIFIER', async () => {
    cognito
      .on(InitiateAuthCommand)
      .resolves({ ChallengeName: 'SELECT_CHALLENGE', Session: 's1', AvailableChallenges: ['PASSWORD_SRP', 'PASSWORD'] });
    cognito
      .on(RespondToAuthChallengeCommand, { ChallengeName: 'SELECT_CHALLENGE' })
      .resolves(VERIFIER)
      .on(RespondToAuthChallengeCommand, { ChallengeName: 'PASSWORD_VERIFIER' })
      .resolves(SMS_MFA);
    const out = await signIn({ client: CLIENT, flow: 'user-auth', username: 'u', password: PASSWORD });
    expect(out).toMatchObject({ tokens: false, challengeName: 'SMS_MFA' });
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      AuthFlow: 'USER_AUTH',
      AuthParameters: { USERNAME: 'u', PREFERRED_CHALLENGE: 'PASSWORD_SRP', SRP_A: expect.any(String) },
    });
    expect(cognito).toHaveReceivedCommandWith(RespondToAuthChallengeCommand, {
      ChallengeName: 'SELECT_CHALLENGE',
      Session: 's1',
      ChallengeResponses: { USERNAME: 'u', ANSWER: 'PASSWORD_SRP', SRP_A: expect.any(String) },
    });
  });

  it('user-auth: answers PASSWORD when that is the only password factor offered', async () => {
    cognito
      .on(InitiateAuthCommand)
      .resolves({ ChallengeName: 'SELECT_CHALLENGE', Session: 's1', AvailableChallenges: ['PASSWORD', 'SMS_OTP'] });
    cognito.on(RespondToAuthChallengeCommand).resolves(SMS_MFA);
    await signIn({ client: CLIENT, flow: 'user-auth', username: 'u', password: PASSWORD });
    expect(cognito).toHaveReceivedCommandWith(RespondToAuthChallengeCommand, {
      ChallengeResponses: { USERNAME: 'u', ANSWER: 'PASSWORD', PASSWORD },
    });
  });

  const SMS_OTP = {
    ChallengeName: 'SMS_OTP' as const,
    Session: 'otp-session',
    ChallengeParameters: {
      CODE_DELIVERY_DESTINATION: '+*******1234',
      CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
      USER_ID_FOR_SRP: 'uuid-of-user',
    },
  };

  it('sms-otp: USER_AUTH preferring SMS_OTP with no password or SRP value, SECRET_HASH for a client with a secret; returns the SMS_OTP challenge', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, secret: SECRET, explicitAuthFlows: ['ALLOW_USER_AUTH'] });
    cognito.on(InitiateAuthCommand).resolves(SMS_OTP);
    const out = await signIn({ client: CLIENT, flow: 'sms-otp', username: 'u', password: PASSWORD });
    expect(out).toEqual({
      tokens: false,
      challengeName: 'SMS_OTP',
      session: 'otp-session',
      username: 'uuid-of-user',
      parameters: SMS_OTP.ChallengeParameters,
    });
    expect(cognito.commandCalls(InitiateAuthCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      AuthFlow: 'USER_AUTH',
      AuthParameters: { USERNAME: 'u', PREFERRED_CHALLENGE: 'SMS_OTP', SECRET_HASH: computeSecretHash(SECRET, 'u', CLIENT_ID) },
    });
    expect(cognito).not.toHaveReceivedCommand(RespondToAuthChallengeCommand);
  });

  it('sms-otp: answers SELECT_CHALLENGE with ANSWER SMS_OTP and USERNAME only when Cognito lets the user choose', async () => {
    cognito
      .on(InitiateAuthCommand)
      .resolves({ ChallengeName: 'SELECT_CHALLENGE', Session: 's1', AvailableChallenges: ['PASSWORD', 'PASSWORD_SRP', 'SMS_OTP'] });
    cognito.on(RespondToAuthChallengeCommand).resolves(SMS_OTP);
    const out = await signIn({ client: CLIENT, flow: 'sms-otp', username: 'u', password: PASSWORD });
    expect(out).toMatchObject({ tokens: false, challengeName: 'SMS_OTP', session: 'otp-session' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SELECT_CHALLENGE',
      Session: 's1',
      ChallengeResponses: { USERNAME: 'u', ANSWER: 'SMS_OTP' },
    });
  });

  it('sms-otp: fails SmsOtpNotOffered, naming AllowedFirstAuthFactors, when SMS_OTP is not among AvailableChallenges (no code is asked for)', async () => {
    cognito
      .on(InitiateAuthCommand)
      .resolves({ ChallengeName: 'SELECT_CHALLENGE', Session: 's1', AvailableChallenges: ['PASSWORD', 'PASSWORD_SRP'] });
    const error = (await signIn({ client: CLIENT, flow: 'sms-otp', username: 'u', password: PASSWORD }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'SmsOtpNotOffered', message: expect.stringContaining('AllowedFirstAuthFactors') });
    expect(error.message).toContain('PASSWORD, PASSWORD_SRP');
    expect(error.message).not.toContain('s1');
    expect(cognito).not.toHaveReceivedCommand(RespondToAuthChallengeCommand);
  });

  it('sms-otp: tokens without the SMS_OTP challenge fail UnexpectedChallenge (no factor was checked), not MfaNotEnforced', async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { AccessToken: 'a' } });
    await expect(signIn({ client: CLIENT, flow: 'sms-otp', username: 'u', password: PASSWORD })).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('without the SMS_OTP challenge'),
    });
  });

  it('tokens without a challenge are reported as such (the caller decides if MFA was skipped)', async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { AccessToken: 'a' } });
    await expect(signIn({ client: CLIENT, flow: 'password', username: 'u', password: PASSWORD })).resolves.toEqual({ tokens: true });
  });

  it.each([['DEVICE_SRP_AUTH'], ['DEVICE_PASSWORD_VERIFIER']])('fails DeviceChallenge on %s, naming device tracking', async (challenge) => {
    cognito.on(InitiateAuthCommand).resolves(VERIFIER);
    cognito.on(RespondToAuthChallengeCommand).resolves({ ChallengeName: challenge as never, Session: 's2' });
    await expect(signIn({ client: CLIENT, flow: 'srp', username: 'u', password: PASSWORD })).rejects.toMatchObject({
      name: 'DeviceChallenge',
      message: expect.stringContaining('device tracking'),
    });
  });

  it("passes UserLambdaValidationException on with its AWS name and the trigger's message", async () => {
    cognito.on(InitiateAuthCommand).rejects(err(UserLambdaValidationException, 'PreAuthentication failed with error no synthetic users.'));
    await expect(signIn({ client: CLIENT, flow: 'password', username: 'u', password: PASSWORD })).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'PreAuthentication failed with error no synthetic users.',
    });
  });

  it('reads a rotated secret again once and signs in with the new one', async () => {
    cognito
      .on(DescribeUserPoolClientCommand)
      .resolvesOnce({ UserPoolClient: { ClientId: CLIENT_ID, ClientSecret: 'old-secret' } })
      .resolves({ UserPoolClient: { ClientId: CLIENT_ID, ClientSecret: 'new-secret' } });
    cognito
      .on(InitiateAuthCommand)
      .rejectsOnce(err(NotAuthorizedException, `Unable to verify secret hash for client ${CLIENT_ID}`))
      .resolves(SMS_MFA);
    await expect(signIn({ client: CLIENT, flow: 'password', username: 'u', password: PASSWORD })).resolves.toMatchObject({
      challengeName: 'SMS_MFA',
    });
    const hashes = cognito.commandCalls(InitiateAuthCommand).map((c) => c.args[0].input.AuthParameters!.SECRET_HASH);
    expect(hashes).toEqual([computeSecretHash('old-secret', 'u', CLIENT_ID), computeSecretHash('new-secret', 'u', CLIENT_ID)]);
  });

  it('fails AppClientSecretChanged when the secret read again is refused too; the message holds no secret', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, secret: SECRET });
    cognito.on(InitiateAuthCommand).rejects(err(NotAuthorizedException, `Unable to verify secret hash for client ${CLIENT_ID}`));
    const error = (await signIn({ client: CLIENT, flow: 'password', username: 'u', password: PASSWORD }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('AppClientSecretChanged');
    expect(error.message).toContain(CLIENT_ID);
    for (const secret of [SECRET, PASSWORD, computeSecretHash(SECRET, 'u', CLIENT_ID)]) expect(error.message).not.toContain(secret);
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(2);
  });
});

describe('resolveAuthFlow', () => {
  it.each<[string[], string]>([
    [['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH'], 'password'],
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'srp'],
    [['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'user-auth'],
  ])('chooses the default of a client allowing %j: %s', async (flows, expected) => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: flows });
    await expect(resolveAuthFlow(CLIENT, undefined)).resolves.toBe(expected);
  });

  it('refuses a named flow the client does not allow with AuthFlowNotAllowed naming the ALLOW_ flag', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await expect(resolveAuthFlow(CLIENT, 'password')).rejects.toMatchObject({
      name: 'AuthFlowNotAllowed',
      message: expect.stringContaining('ALLOW_USER_PASSWORD_AUTH'),
    });
    await expect(resolveAuthFlow(CLIENT, 'srp')).resolves.toBe('srp');
  });

  it('never chooses sms-otp by itself (it skips the password), but takes it when named on a client with ALLOW_USER_AUTH', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await expect(resolveAuthFlow(CLIENT, undefined)).resolves.toBe('user-auth');
    await expect(resolveAuthFlow(CLIENT, 'sms-otp')).resolves.toBe('sms-otp');
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await expect(resolveAuthFlow(CLIENT, 'sms-otp')).rejects.toMatchObject({
      name: 'AuthFlowNotAllowed',
      message: expect.stringContaining('ALLOW_USER_AUTH'),
    });
  });

  it('refuses a client that allows none of the flows', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await expect(resolveAuthFlow(CLIENT, undefined)).rejects.toMatchObject({ name: 'AuthFlowNotAllowed' });
  });
});

describe('planCheck with sms-otp', () => {
  const plan = () => planCheck(CLIENT, 'sms-otp', 'synthetic-run-1', '+15555550100');

  it('passes a pool that lists SMS_OTP among AllowedFirstAuthFactors', async () => {
    mockPool(cognito, {
      userPoolId: POOL,
      clientId: CLIENT_ID,
      explicitAuthFlows: ['ALLOW_USER_AUTH'],
      allowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'],
    });
    await expect(plan()).resolves.toMatchObject({ flow: 'sms-otp' });
  });

  it.each<[string, { allowedFirstAuthFactors?: string[]; tier?: 'LITE' }, string]>([
    ['no SignInPolicy', {}, 'are not set (PASSWORD only)'],
    ['PASSWORD only', { allowedFirstAuthFactors: ['PASSWORD'] }, 'are PASSWORD, without SMS_OTP'],
    ['the Lite plan', { allowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'], tier: 'LITE' }, 'Lite feature plan'],
  ])('refuses a pool with %s: SmsOtpNotOffered before any sign-in, naming the setting and the command', async (_, shape, why) => {
    mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID, explicitAuthFlows: ['ALLOW_USER_AUTH'], ...shape });
    const error = (await plan().catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'SmsOtpNotOffered', message: expect.stringContaining(why) });
    expect(error.message).toContain('update-user-pool');
    expect(cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
  });
});
