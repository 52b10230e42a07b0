import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { userPoolUpdateInput } from './userPoolUpdate';

const SENDER = 'arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-mfa-dev-customSmsSender';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000001';
const PRE_SIGN_UP = 'arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up';

/** A pool as DescribeUserPool returns it, with the settings a real pool carries. */
const described = (): UserPoolType => ({
  Id: 'us-east-1_Abc123',
  Name: 'MyUserPool',
  Arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Abc123',
  Status: 'Enabled',
  CreationDate: new Date('2025-01-01T00:00:00Z'),
  LastModifiedDate: new Date('2025-01-02T00:00:00Z'),
  EstimatedNumberOfUsers: 3,
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: false,
      PasswordHistorySize: 0,
      TemporaryPasswordValidityDays: 3,
    },
    SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
  },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PreSignUp: PRE_SIGN_UP },
  SchemaAttributes: [{ Name: 'phone_number', AttributeDataType: 'String', Mutable: true, Required: true }],
  AutoVerifiedAttributes: ['phone_number'],
  UsernameConfiguration: { CaseSensitive: false },
  SmsVerificationMessage: 'Your code is {####}',
  EmailVerificationMessage: 'Your code is {####}',
  EmailVerificationSubject: 'Your code',
  VerificationMessageTemplate: {
    SmsMessage: 'Your code is {####}',
    EmailMessage: 'Your code is {####}',
    EmailSubject: 'Your code',
    EmailMessageByLink: 'Please click the link below to verify your email address. {##Verify Email##} ',
    EmailSubjectByLink: 'Your verification link',
    DefaultEmailOption: 'CONFIRM_WITH_CODE',
  },
  SmsAuthenticationMessage: 'Your authentication code is {####}. ',
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['phone_number'] },
  MfaConfiguration: 'ON',
  DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  SmsConfiguration: {
    SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms-mfa/MyUserPool-SMS-Role',
    ExternalId: '1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d',
    SnsRegion: 'us-east-1',
  },
  UserPoolTags: { 'managed-by': 'cognito-sms-mfa' },
  SmsConfigurationFailure: 'SNS configuration error',
  Domain: 'my-domain',
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 3 },
  UserPoolAddOns: { AdvancedSecurityMode: 'OFF' },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Priority: 1, Name: 'verified_phone_number' }] },
  UserPoolTier: 'ESSENTIALS',
});

describe('userPoolUpdateInput', () => {
  it('sends back every setting UpdateUserPool takes, and none it refuses', () => {
    const pool = described();
    expect(userPoolUpdateInput(pool)).toEqual({
      UserPoolId: 'us-east-1_Abc123',
      PoolName: 'MyUserPool',
      Policies: pool.Policies,
      DeletionProtection: 'ACTIVE',
      LambdaConfig: { PreSignUp: PRE_SIGN_UP },
      AutoVerifiedAttributes: ['phone_number'],
      VerificationMessageTemplate: pool.VerificationMessageTemplate,
      SmsAuthenticationMessage: 'Your authentication code is {####}. ',
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['phone_number'] },
      MfaConfiguration: 'ON',
      DeviceConfiguration: pool.DeviceConfiguration,
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      SmsConfiguration: pool.SmsConfiguration,
      UserPoolTags: { 'managed-by': 'cognito-sms-mfa' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UserPoolAddOns: { AdvancedSecurityMode: 'OFF' },
      AccountRecoverySetting: pool.AccountRecoverySetting,
      UserPoolTier: 'ESSENTIALS',
    });
  });

  it('sets the given triggers and keeps the others', () => {
    const input = userPoolUpdateInput(described(), {
      LambdaConfig: { CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' }, KMSKeyID: KEY },
    });
    expect(input.LambdaConfig).toEqual({
      PreSignUp: PRE_SIGN_UP,
      CustomSMSSender: { LambdaArn: SENDER, LambdaVersion: 'V1_0' },
      KMSKeyID: KEY,
    });
  });

  it('does not change the pool it reads', () => {
    const pool = described();
    const before = structuredClone(pool);
    const input = userPoolUpdateInput(pool, { LambdaConfig: { KMSKeyID: KEY } });
    input.Policies!.PasswordPolicy!.MinimumLength = 6;
    expect(pool).toEqual(before);
  });

  describe('AdminCreateUserConfig.UnusedAccountValidityDays (deprecated)', () => {
    it('is left out when the password policy has TemporaryPasswordValidityDays, which wins', () => {
      const pool = described();
      pool.AdminCreateUserConfig!.UnusedAccountValidityDays = 7;
      const input = userPoolUpdateInput(pool);
      expect(input.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false });
      expect(input.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays).toBe(3);
    });

    it('moves into the password policy when only it is set', () => {
      const pool = described();
      delete pool.Policies!.PasswordPolicy!.TemporaryPasswordValidityDays;
      pool.AdminCreateUserConfig!.UnusedAccountValidityDays = 5;
      const input = userPoolUpdateInput(pool);
      expect(input.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false });
      expect(input.Policies?.PasswordPolicy).toMatchObject({ MinimumLength: 12, TemporaryPasswordValidityDays: 5 });
    });

    it('stays where it is when the pool reports no password policy to move it to', () => {
      const pool = described();
      delete pool.Policies;
      expect(userPoolUpdateInput(pool).AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 3 });
    });
  });

  describe('legacy verification message fields', () => {
    it('are left out when the pool has a VerificationMessageTemplate (the template is what Cognito uses)', () => {
      const input = userPoolUpdateInput(described());
      expect(input).not.toHaveProperty('SmsVerificationMessage');
      expect(input).not.toHaveProperty('EmailVerificationMessage');
      expect(input).not.toHaveProperty('EmailVerificationSubject');
    });

    it('are kept for a pool that has only them', () => {
      const pool = described();
      delete pool.VerificationMessageTemplate;
      expect(userPoolUpdateInput(pool)).toMatchObject({
        SmsVerificationMessage: 'Your code is {####}',
        EmailVerificationMessage: 'Your code is {####}',
        EmailVerificationSubject: 'Your code',
      });
    });
  });

  it('leaves out what the pool does not have (it has the default already)', () => {
    expect(userPoolUpdateInput({ Id: 'us-east-1_Abc123' })).toEqual({ UserPoolId: 'us-east-1_Abc123' });
  });

  it('refuses a pool without its id', () => {
    expect(() => userPoolUpdateInput({ Name: 'x' })).toThrow(/Id/);
  });

  it('replaces SmsConfiguration whole, so setting one SMS path clears the other (Cognito: "either ... but not both")', () => {
    const eums = { EumsSms: { CallerArn: 'arn:aws:iam::123456789012:role/r', ExternalId: 'x-1', ConfigurationSetName: 'set' } };
    const input = userPoolUpdateInput(described(), { SmsConfiguration: eums });
    expect(input.SmsConfiguration).toEqual(eums);
    expect(input.SmsConfiguration).not.toHaveProperty('SnsCallerArn');
  });
});
