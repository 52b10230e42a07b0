import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// First: the logger reads its level when it is created.
import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  NotAuthorizedException,
  PasswordResetRequiredException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { standingUserPassword } from './password';
import { standingSignIn } from './standingSignIn';
import { standingUsername } from './standingUser';
import { mockPasswordKey } from '../../tests/support/passwordKey';

process.env.RUNS_TABLE = 'runs-test';
const cognito = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+12065551234';
const POOL = 'us-east-1_abc';
const USER = standingUsername(POOL, PHONE);
const SESSION = 'AYABeCognitoChallengeSession-secret-value';
const STARTED = Date.parse('2026-01-01T00:00:00Z');
const CLIENT = { region: 'us-east-1', userPoolId: POOL, clientId: 'client1abc' };
const request = {
  runId: 'run-1',
  client: CLIENT,
  flow: 'password' as const,
  username: USER,
  shape: 'username' as const,
  mfaOptional: false,
  phone: PHONE,
  runStartedAt: STARTED,
};
const CHALLENGE = {
  ChallengeName: 'SMS_MFA' as const,
  Session: SESSION,
  ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******1234' },
};
const TOKENS = { AuthenticationResult: { IdToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', AccessToken: 'a', RefreshToken: 'r' } };
const err = (E: any, message: string) => new E({ message, $metadata: {} });
/** Cognito calls in order, by command name; not the reads of the pool and its client (cached per container). */
const calls = () =>
  cognito
    .calls()
    .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))
    .filter((name) => !name.startsWith('DescribeUserPool'));

beforeEach(() => {
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  ddb.reset();
  mockPasswordKey(ddb);
  cognito.on(AdminCreateUserCommand).resolves({});
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  cognito.on(AdminDeleteUserCommand).resolves({});
});

describe('standingSignIn', () => {
  it('sms-otp: expects the SMS_OTP challenge and says so, for the answer to send SMS_OTP_CODE', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ...CHALLENGE, ChallengeName: 'SMS_OTP' });
    await expect(standingSignIn({ ...request, flow: 'sms-otp' })).resolves.toMatchObject({
      session: SESSION,
      challengeName: 'SMS_OTP',
      standingUser: 'reused',
    });
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      AuthFlow: 'USER_AUTH',
      AuthParameters: { USERNAME: USER, PREFERRED_CHALLENGE: 'SMS_OTP' },
    });
  });

  it('sms-otp: an SMS_MFA challenge is unexpected there', async () => {
    cognito.on(InitiateAuthCommand).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, flow: 'sms-otp' })).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('expected SMS_OTP'),
    });
  });

  it('reuses a standing user that signs in with SMS_MFA: one Cognito call, nothing created', async () => {
    cognito.on(InitiateAuthCommand).resolves(CHALLENGE);
    await expect(standingSignIn(request)).resolves.toEqual({
      session: SESSION,
      challengeName: 'SMS_MFA',
      challengeUsername: USER,
      standingUser: 'reused',
      standingUserReason: undefined,
      firstSignIn: undefined,
    });
    expect(calls()).toEqual(['InitiateAuth']);
    expect(cognito).toHaveReceivedCommandWith(InitiateAuthCommand, {
      ClientId: 'client1abc',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: USER, PASSWORD: await standingUserPassword(USER) },
    });
  });

  it('creates a missing user without any SMS (SUPPRESS, verified phone, permanent password), then signs in again', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'User does not exist.')).resolves(CHALLENGE);
    await expect(standingSignIn(request)).resolves.toMatchObject({
      session: SESSION,
      standingUser: 'created',
      firstSignIn: 'mfa-challenged',
    });
    expect(calls()).toEqual(['InitiateAuth', 'AdminCreateUser', 'AdminSetUserPassword', 'InitiateAuth']);
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: USER,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: PHONE },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, {
      UserPoolId: POOL,
      Username: USER,
      Password: await standingUserPassword(USER),
      Permanent: true,
    });
  });

  it('tells a missing user (PreventUserExistenceErrors says NotAuthorized) from a broken one with AdminGetUser', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(NotAuthorizedException, 'Incorrect username or password.')).resolves(CHALLENGE);
    cognito.on(AdminGetUserCommand).rejects(err(UserNotFoundException, 'User does not exist.'));
    await expect(standingSignIn(request)).resolves.toMatchObject({ standingUser: 'created' });
    expect(calls()).toEqual(['InitiateAuth', 'AdminGetUser', 'AdminCreateUser', 'AdminSetUserPassword', 'InitiateAuth']);
  });

  it.each<[string, () => { resolves(v: unknown): unknown }, string]>([
    [
      'a password changed by an admin',
      () => cognito.on(InitiateAuthCommand).rejectsOnce(err(NotAuthorizedException, 'Incorrect username or password.')),
      'password refused',
    ],
    [
      'a disabled user',
      () => cognito.on(InitiateAuthCommand).rejectsOnce(err(NotAuthorizedException, 'User is disabled.')),
      'user is disabled',
    ],
    [
      'a password reset',
      () => cognito.on(InitiateAuthCommand).rejectsOnce(err(PasswordResetRequiredException, 'Password reset required for the user')),
      'password reset required',
    ],
    [
      'a temporary password',
      () => cognito.on(InitiateAuthCommand).resolvesOnce({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' }),
      'challenge NEW_PASSWORD_REQUIRED',
    ],
    [
      'a phone changed by an admin',
      () =>
        cognito.on(InitiateAuthCommand).resolvesOnce({ ...CHALLENGE, ChallengeParameters: { CODE_DELIVERY_DESTINATION: '+*******9999' } }),
      'MFA code sent to another phone',
    ],
  ])('recreates a user broken by %s, reporting why', async (_what, arrange, reason) => {
    arrange().resolves(CHALLENGE);
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserStatus: 'CONFIRMED' });
    const capture = captureLogs();
    const out = await standingSignIn(request).finally(() => capture.restore());
    const logs = () => jsonLines(capture.lines);
    expect(out).toMatchObject({ session: SESSION, standingUser: 'recreated', standingUserReason: reason });
    expect(calls().filter((c) => c !== 'AdminGetUser')).toEqual([
      'InitiateAuth',
      'AdminDeleteUser',
      'AdminCreateUser',
      'AdminSetUserPassword',
      'InitiateAuth',
    ]);
    expect(logs()).toContainEqual(expect.objectContaining({ message: 'standing user recreated', reason }));
    expect(JSON.stringify(logs())).not.toContain(await standingUserPassword(USER));
  });

  it('fails with UnexpectedChallenge when a recreated user is still asked for a new password (the pool, not the user)', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });
    await expect(standingSignIn(request)).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('NEW_PASSWORD_REQUIRED challenge after it was recreated'),
    });
    expect(calls().filter((c) => c === 'InitiateAuth')).toHaveLength(2);
  });

  it.each([['SELECT_MFA_TYPE'], ['MFA_SETUP'], ['SOFTWARE_TOKEN_MFA'], ['CUSTOM_CHALLENGE']])(
    'fails with UnexpectedChallenge on %s without deleting or creating the user (the pool asks every user for it)',
    async (challenge) => {
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: challenge as 'MFA_SETUP', Session: 's' });
      await expect(standingSignIn(request)).rejects.toMatchObject({
        name: 'UnexpectedChallenge',
        message: expect.stringContaining(`${challenge} challenge, expected SMS_MFA`),
      });
      expect(calls()).toEqual(['InitiateAuth']);
    },
  );

  it.each([
    ['Unable to verify secret hash for client client1abc'],
    ['Client client1abc is configured for secret but secret was not received'],
  ])('on "%s" reads the client again once, then fails AppClientSecretChanged, keeping the user and naming no secret', async (message) => {
    mockPool(cognito, { userPoolId: POOL, clientId: 'client1abc', secret: 'the-client-secret-value' });
    cognito.on(InitiateAuthCommand).rejects(err(NotAuthorizedException, message));
    const error = (await standingSignIn(request).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'AppClientSecretChanged', message: expect.stringContaining('read again') });
    expect(error.message).not.toContain(await standingUserPassword(USER));
    expect(error.message).not.toContain('the-client-secret-value');
    expect(calls()).toEqual(['InitiateAuth', 'InitiateAuth']);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)).toHaveLength(2);
  });

  it('passes a refusal of the recreated user on as the AWS error (no endless recreating)', async () => {
    cognito.on(InitiateAuthCommand).rejects(err(NotAuthorizedException, 'Incorrect username or password.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserStatus: 'CONFIRMED' });
    await expect(standingSignIn(request)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(calls().filter((c) => c === 'AdminCreateUser')).toHaveLength(1);
  });

  it('lets a user created in this run sign in once without MFA, then requires SMS_MFA', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'no')).resolvesOnce(TOKENS).resolves(CHALLENGE);
    await expect(standingSignIn(request)).resolves.toMatchObject({
      standingUser: 'created',
      firstSignIn: 'tokens-without-mfa',
      session: SESSION,
    });
  });

  it('counts a user made by an earlier attempt of this run (created after the run started) as new', async () => {
    cognito.on(InitiateAuthCommand).resolvesOnce(TOKENS).resolves(CHALLENGE);
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserCreateDate: new Date(STARTED + 5000) });
    await expect(standingSignIn(request)).resolves.toMatchObject({ standingUser: 'reused', firstSignIn: 'tokens-without-mfa' });
  });

  it('fails with MfaNotEnforced when an older standing user gets tokens without MFA, or a new one twice', async () => {
    cognito.on(InitiateAuthCommand).resolves(TOKENS);
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserCreateDate: new Date(STARTED - 86_400_000) });
    await expect(standingSignIn(request)).rejects.toMatchObject({ name: 'MfaNotEnforced' });
    cognito.reset();
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'no')).resolves(TOKENS);
    await expect(standingSignIn(request)).rejects.toMatchObject({
      name: 'MfaNotEnforced',
      message: expect.stringContaining('again on the second'),
    });
  });

  it('only sets the password of a user an earlier attempt already created', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'no')).resolves(CHALLENGE);
    cognito.on(AdminCreateUserCommand).rejects(err(UsernameExistsException, 'User account already exists'));
    await expect(standingSignIn(request)).resolves.toMatchObject({ standingUser: 'created' });
    expect(cognito).toHaveReceivedCommand(AdminSetUserPasswordCommand);
  });

  it('passes other errors on (throttling is retried by the state machine)', async () => {
    cognito.on(InitiateAuthCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(standingSignIn(request)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(calls()).toEqual(['InitiateAuth']);
  });
});

describe('standingUsername', () => {
  it('is the same for a pool and phone, different for another, and never holds the phone', () => {
    expect(standingUsername(POOL, PHONE)).toBe(USER);
    expect(standingUsername(POOL, '+12065550000')).not.toBe(USER);
    expect(standingUsername('us-east-1_other', PHONE)).not.toBe(USER);
    expect(USER).toMatch(/^synthetic-standing-[0-9a-f]{24}$/);
    expect(USER).not.toContain('2065551234');
  });
});

describe('standingSignIn on other pool shapes', () => {
  const EMAIL = 'synthetic-standing-abc@example.invalid';

  it('MFA OPTIONAL: turns SMS MFA on and preferred for the user it creates', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'User does not exist.')).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, mfaOptional: true })).resolves.toMatchObject({ standingUser: 'created' });
    expect(calls()).toEqual(['InitiateAuth', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminSetUserMFAPreference', 'InitiateAuth']);
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserMFAPreferenceCommand, {
      UserPoolId: POOL,
      Username: USER,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  });

  it('MFA OPTIONAL: a reused user that gets tokens gets SMS MFA turned on and must then be challenged', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserCreateDate: new Date(STARTED - 86_400_000) });
    cognito.on(InitiateAuthCommand).resolvesOnce(TOKENS).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, mfaOptional: true })).resolves.toMatchObject({ session: SESSION, standingUser: 'reused' });
    expect(calls()).toEqual(['InitiateAuth', 'AdminGetUser', 'AdminSetUserMFAPreference', 'InitiateAuth']);
  });

  it('MFA ON: prefers SMS MFA for the user it creates, so a pool also offering e-mail MFA or TOTP challenges with SMS_MFA', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'User does not exist.')).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, smsMfaPreferred: true })).resolves.toMatchObject({ standingUser: 'created' });
    expect(calls()).toEqual(['InitiateAuth', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminSetUserMFAPreference', 'InitiateAuth']);
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserMFAPreferenceCommand, { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
  });

  it('MFA ON: a standing user made before SMS was preferred (SELECT_MFA_TYPE) gets it preferred and signs in again, not recreated', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).resolvesOnce({ ChallengeName: 'SELECT_MFA_TYPE', Session: 's' }).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, smsMfaPreferred: true })).resolves.toMatchObject({
      session: SESSION,
      standingUser: 'reused',
      standingUserReason: undefined,
    });
    expect(calls()).toEqual(['InitiateAuth', 'AdminSetUserMFAPreference', 'InitiateAuth']);
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserMFAPreferenceCommand, {
      Username: USER,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  });

  it('phone-username pool: SELECT_MFA_TYPE after our password prefers SMS MFA on that user too (it proved to be ours)', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).resolvesOnce({ ChallengeName: 'SELECT_MFA_TYPE', Session: 's' }).resolves(CHALLENGE);
    await expect(standingSignIn({ ...request, username: PHONE, shape: 'phone_number', smsMfaPreferred: true })).resolves.toMatchObject({
      standingUser: 'reused',
    });
    expect(calls()).toEqual(['InitiateAuth', 'AdminSetUserMFAPreference', 'InitiateAuth']);
  });

  it('SELECT_MFA_TYPE again after SMS MFA was preferred fails UnexpectedChallenge, nothing deleted or created', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SELECT_MFA_TYPE', Session: 's' });
    await expect(standingSignIn({ ...request, smsMfaPreferred: true })).rejects.toMatchObject({
      name: 'UnexpectedChallenge',
      message: expect.stringContaining('SELECT_MFA_TYPE challenge although SMS MFA is preferred on it'),
    });
    expect(calls()).toEqual(['InitiateAuth', 'AdminSetUserMFAPreference', 'InitiateAuth']);
  });

  it('MFA OPTIONAL: MfaNotEnforced only when the user with SMS MFA on still gets tokens', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({ Username: USER, UserCreateDate: new Date(STARTED - 86_400_000) });
    cognito.on(InitiateAuthCommand).resolves(TOKENS);
    await expect(standingSignIn({ ...request, mfaOptional: true })).rejects.toMatchObject({
      name: 'MfaNotEnforced',
      message: expect.stringContaining('SMS MFA turned on and preferred'),
    });
  });

  it('email-username pool: creates the user as its synthetic address, verified, with no message', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'User does not exist.')).resolves(CHALLENGE);
    await standingSignIn({ ...request, username: EMAIL, shape: 'email' });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      Username: EMAIL,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: PHONE },
        { Name: 'phone_number_verified', Value: 'true' },
        { Name: 'email', Value: EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
  });

  it('phone-username pool: a user with that phone that cannot sign in is never deleted (PhoneUsernameTaken)', async () => {
    cognito.on(InitiateAuthCommand).rejects(err(NotAuthorizedException, 'Incorrect username or password.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'uuid-of-someone', UserCreateDate: new Date(STARTED - 86_400_000) });
    const error = (await standingSignIn({ ...request, username: PHONE, shape: 'phone_number' }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'PhoneUsernameTaken', message: expect.stringContaining('never changed or deleted') });
    expect(error.message).toContain('this run did not make');
    expect(error.message).not.toContain(PHONE);
    expect(calls().filter((c) => c !== 'AdminGetUser')).toEqual(['InitiateAuth']);
  });

  it('phone-username pool: a taken phone (UsernameExists) never gets its password or MFA set when this run did not make it', async () => {
    cognito.on(InitiateAuthCommand).rejects(err(UserNotFoundException, 'User does not exist.'));
    cognito.on(AdminCreateUserCommand).rejects(err(UsernameExistsException, 'An account with the given phone_number already exists.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'uuid-of-someone', UserCreateDate: new Date(STARTED - 86_400_000) });
    await expect(standingSignIn({ ...request, username: PHONE, shape: 'phone_number', mfaOptional: true })).rejects.toMatchObject({
      name: 'PhoneUsernameTaken',
    });
    expect(cognito).not.toHaveReceivedCommand(AdminSetUserPasswordCommand);
    expect(cognito).not.toHaveReceivedCommand(AdminSetUserMFAPreferenceCommand);
    expect(cognito).not.toHaveReceivedCommand(AdminDeleteUserCommand);
  });

  it('phone-username pool: a user an earlier attempt of this run made gets its password set (UsernameExists), not refused', async () => {
    cognito.on(InitiateAuthCommand).rejectsOnce(err(UserNotFoundException, 'User does not exist.')).resolves(CHALLENGE);
    cognito.on(AdminCreateUserCommand).rejects(err(UsernameExistsException, 'An account with the given phone_number already exists.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'uuid-1', UserCreateDate: new Date(STARTED + 5000) });
    await expect(standingSignIn({ ...request, username: PHONE, shape: 'phone_number' })).resolves.toMatchObject({
      standingUser: 'created',
    });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { Username: PHONE, Permanent: true });
  });

  it('phone-username pool: a broken user an earlier attempt of this run made is repaired in place, never deleted', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    cognito.on(InitiateAuthCommand).rejectsOnce(err(NotAuthorizedException, 'Incorrect username or password.')).resolves(CHALLENGE);
    cognito.on(AdminGetUserCommand).resolves({ Username: 'uuid-1', UserCreateDate: new Date(STARTED + 5000) });
    await expect(standingSignIn({ ...request, username: PHONE, shape: 'phone_number', smsMfaPreferred: true })).resolves.toMatchObject({
      standingUser: 'created',
      session: SESSION,
    });
    expect(calls().filter((c) => c !== 'AdminGetUser')).toEqual([
      'InitiateAuth',
      'AdminSetUserPassword',
      'AdminSetUserMFAPreference',
      'InitiateAuth',
    ]);
  });

  it('never deletes nor changes a broken user whose name is not synthetic (a second check besides the pool shape)', async () => {
    cognito.on(InitiateAuthCommand).rejects(err(NotAuthorizedException, 'Incorrect username or password.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'alice', UserCreateDate: new Date(STARTED - 86_400_000) });
    await expect(standingSignIn({ ...request, username: 'alice' })).rejects.toMatchObject({
      name: 'UserStatusUnexpected',
      message: expect.stringContaining('never changed or deleted'),
    });
    expect(calls().filter((c) => c !== 'AdminGetUser')).toEqual(['InitiateAuth']);
  });

  it('sms-otp: SELECT_MFA_TYPE changes nothing (no password proved the phone-number user ours): UnexpectedChallenge', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SELECT_MFA_TYPE', Session: 's' });
    await expect(
      standingSignIn({ ...request, flow: 'sms-otp', username: PHONE, shape: 'phone_number', smsMfaPreferred: true }),
    ).rejects.toMatchObject({ name: 'UnexpectedChallenge' });
    expect(calls()).toEqual(['InitiateAuth']);
  });

  it('srp: answers the SMS_MFA challenge as the name the challenge gives (USER_ID_FOR_SRP)', async () => {
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: 's1',
      ChallengeParameters: { SALT: 'ab12', SRP_B: 'e'.repeat(256), SECRET_BLOCK: 'YmxvY2s=', USER_ID_FOR_SRP: 'uuid-1' },
    });
    cognito
      .on(RespondToAuthChallengeCommand)
      .resolves({ ...CHALLENGE, ChallengeParameters: { ...CHALLENGE.ChallengeParameters, USER_ID_FOR_SRP: 'uuid-1' } });
    await expect(standingSignIn({ ...request, flow: 'srp' })).resolves.toMatchObject({ session: SESSION, challengeUsername: 'uuid-1' });
  });
});
