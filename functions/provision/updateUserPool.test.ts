import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  UpdateUserPoolCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { updateUserPool } from './updateUserPool';

const SENDER = 'arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-mfa-dev-customSmsSender';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000001';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000002';
const PRE_SIGN_UP = 'arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up';
process.env.CUSTOM_SMS_SENDER_ARN = SENDER;
process.env.CUSTOM_SMS_SENDER_KEY_ARN = KEY;

const cognito = mockClient(CognitoIdentityProviderClient);
const input = { userPoolId: 'us-east-1_Abc123', smsSender: 'custom-sender' };

const pool = (over: Partial<UserPoolType> = {}): UserPoolType => ({
  Id: 'us-east-1_Abc123',
  Name: 'MyUserPool',
  Arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Abc123',
  CreationDate: new Date('2025-01-01T00:00:00Z'),
  MfaConfiguration: 'ON',
  AutoVerifiedAttributes: ['phone_number'],
  SmsConfiguration: {
    SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms-mfa/MyUserPool-SMS-Role',
    ExternalId: '1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d',
  },
  UsernameConfiguration: { CaseSensitive: false },
  SchemaAttributes: [{ Name: 'phone_number', AttributeDataType: 'String', Required: true, Mutable: true }],
  Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 7 } },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PreSignUp: PRE_SIGN_UP },
  ...over,
});

beforeEach(() => {
  cognito.reset();
  cognito.on(UpdateUserPoolCommand).resolves({});
  cognito.on(ListUsersCommand).resolves({ Users: [] });
  delete process.env.FORWARD_ORIGINATION_IDENTITY;
});

const users = (...names: string[]) => names.map((Username) => ({ Username }));

describe('updateUserPool on a pool that has users', () => {
  it('refuses, with RealUsersWouldLoseSms, a pool with a real user on a stage that forwards no codes; nothing is updated', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ EstimatedNumberOfUsers: 3 }) });
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: users('synthetic-standing-0a1b2c', 'synthetic-verify-1'), PaginationToken: 'p2' })
      .resolvesOnce({ Users: users('alice') });
    const error = await updateUserPool(input).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'RealUsersWouldLoseSms' });
    expect((error as Error).message).toContain('forwardOriginationPhoneNumberId');
    // Usernames are read, no attribute (a real user's phone or e-mail never leaves Cognito); the message names no user.
    const listed = cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input);
    expect(listed).toHaveLength(2);
    for (const call of listed) expect(call).toMatchObject({ UserPoolId: 'us-east-1_Abc123', AttributesToGet: [], Limit: 60 });
    expect((error as Error).message).not.toContain('alice');
    expect(cognito).not.toHaveReceivedCommand(UpdateUserPoolCommand);
  });

  it("switches a pool that holds only the checks' own users", async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ EstimatedNumberOfUsers: 2 }) });
    cognito.on(ListUsersCommand).resolves({ Users: users('synthetic-standing-0a1b2c', 'synthetic-verify-1') });
    await expect(updateUserPool(input)).resolves.toEqual({ changed: true, smsSender: 'custom-sender' });
    expect(cognito).toHaveReceivedCommandTimes(UpdateUserPoolCommand, 1);
  });

  it('switches a pool with real users when the stage forwards their codes, without listing them', async () => {
    process.env.FORWARD_ORIGINATION_IDENTITY = 'phone-0123456789abcdef';
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ EstimatedNumberOfUsers: 5000 }) });
    await expect(updateUserPool(input)).resolves.toEqual({ changed: true, smsSender: 'custom-sender' });
    expect(cognito).not.toHaveReceivedCommand(ListUsersCommand);
  });

  it('lists the users even when the pool estimates none (EstimatedNumberOfUsers is an estimate)', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ EstimatedNumberOfUsers: 0 }) });
    cognito.on(ListUsersCommand).resolves({ Users: users('bob') });
    await expect(updateUserPool(input)).rejects.toMatchObject({ name: 'RealUsersWouldLoseSms' });
  });

  it('refuses when it cannot prove the pool holds only synthetic users (more than 600 read)', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ EstimatedNumberOfUsers: 10_000 }) });
    let page = 0;
    cognito.on(ListUsersCommand).callsFake(() => ({
      Users: Array.from({ length: 60 }, (_, i) => ({ Username: `synthetic-run-${page}-${i}` })),
      PaginationToken: `p${++page}`,
    }));
    await expect(updateUserPool(input)).rejects.toMatchObject({
      name: 'RealUsersWouldLoseSms',
      message: expect.stringContaining('more than 600 users'),
    });
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(10);
    expect(cognito).not.toHaveReceivedCommand(UpdateUserPoolCommand);
  });
});

describe('updateUserPool', () => {
  it('sets the Custom SMS Sender and its key, carrying every other setting over', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool() });
    await expect(updateUserPool(input)).resolves.toEqual({ changed: true, smsSender: 'custom-sender' });
    expect(cognito).toHaveReceivedCommandTimes(UpdateUserPoolCommand, 1);
    const sent = cognito.commandCalls(UpdateUserPoolCommand)[0].args[0].input;
    expect(sent).toEqual({
      UserPoolId: 'us-east-1_Abc123',
      PoolName: 'MyUserPool',
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: pool().SmsConfiguration,
      Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 7 } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      DeletionProtection: 'ACTIVE',
      LambdaConfig: { PreSignUp: PRE_SIGN_UP, CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: KEY },
    });
  });

  it('changes nothing for a pool already in this mode (re-runnable)', async () => {
    cognito
      .on(DescribeUserPoolCommand)
      .resolves({ UserPool: pool({ LambdaConfig: { CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: KEY } }) });
    await expect(updateUserPool(input)).resolves.toEqual({ changed: false, smsSender: 'custom-sender' });
    expect(cognito).not.toHaveReceivedCommand(UpdateUserPoolCommand);
  });

  it('puts its own key back when the pool names this sender with another key', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({
      UserPool: pool({ LambdaConfig: { CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: OTHER_KEY } }),
    });
    await expect(updateUserPool(input)).resolves.toEqual({ changed: true, smsSender: 'custom-sender' });
    expect(cognito).toHaveReceivedCommandWith(UpdateUserPoolCommand, {
      LambdaConfig: { CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: KEY },
    });
  });

  it('refuses, with CustomSmsSenderInUse, a pool whose SMS go to another function: never overwritten', async () => {
    const theirs = 'arn:aws:lambda:us-east-1:123456789012:function:someone-elses-sender';
    cognito.on(DescribeUserPoolCommand).resolves({
      UserPool: pool({ LambdaConfig: { CustomSMSSender: { LambdaArn: theirs, LambdaVersion: 'V1_0' }, KMSKeyID: OTHER_KEY } }),
    });
    await expect(updateUserPool(input)).rejects.toMatchObject({ name: 'CustomSmsSenderInUse', message: expect.stringContaining(theirs) });
    expect(cognito).not.toHaveReceivedCommand(UpdateUserPoolCommand);
  });

  it('refuses, with CustomSenderKeyInUse, a pool whose Custom Email Sender uses another key (one KMSKeyID for both)', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({
      UserPool: pool({
        LambdaConfig: {
          CustomEmailSender: { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:mailer', LambdaVersion: 'V1_0' },
          KMSKeyID: OTHER_KEY,
        },
      }),
    });
    await expect(updateUserPool(input)).rejects.toMatchObject({ name: 'CustomSenderKeyInUse' });
    expect(cognito).not.toHaveReceivedCommand(UpdateUserPoolCommand);
  });

  it('keeps a Custom Email Sender that already uses this key', async () => {
    const mailer = { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:mailer', LambdaVersion: 'V1_0' as const };
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: pool({ LambdaConfig: { CustomEmailSender: mailer, KMSKeyID: KEY } }) });
    await updateUserPool(input);
    expect(cognito).toHaveReceivedCommandWith(UpdateUserPoolCommand, {
      LambdaConfig: { CustomEmailSender: mailer, CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: KEY },
    });
  });

  it.each([
    [{ smsSender: 'custom-sender' }, 'userPoolId', 'is required'],
    [{ userPoolId: 'not a pool id', smsSender: 'custom-sender' }, 'userPoolId', 'may contain only'],
    [{ userPoolId: 'us-east-1_Abc123' }, 'smsSender', 'must be custom-sender'],
    [{ userPoolId: 'us-east-1_Abc123', smsSender: 'sns' }, 'smsSender', 'must be one of cognito, custom-sender'],
    [{ userPoolId: 'us-east-1_Abc123', smsSender: 'custom-sender', lambdaArn: 'x' }, 'lambdaArn', 'is not a known field'],
  ])('rejects %p (ValidationError on %s)', async (bad, field, rule) => {
    await expect(updateUserPool(bad)).rejects.toMatchObject({ name: 'ValidationError', field, rule: expect.stringContaining(rule) });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('is refused by name, before any Cognito call, on a stage without the Custom SMS Sender (empty key ARN)', async () => {
    process.env.CUSTOM_SMS_SENDER_KEY_ARN = '';
    try {
      await expect(updateUserPool(input)).rejects.toMatchObject({
        name: 'CustomSmsSenderNotConfigured',
        message: expect.stringContaining('customSmsSender=true'),
      });
      expect(cognito.calls()).toHaveLength(0);
    } finally {
      process.env.CUSTOM_SMS_SENDER_KEY_ARN = KEY;
    }
  });

  it('lets ResourceNotFoundException through by name', async () => {
    cognito
      .on(DescribeUserPoolCommand)
      .rejects(new ResourceNotFoundException({ message: 'User pool us-east-1_Abc123 does not exist.', $metadata: {} }));
    await expect(updateUserPool(input)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
