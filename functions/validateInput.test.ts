import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { validateInput } from './validateInput';

const ssm = mockClient(SSMClient);
beforeEach(() => {
  ssm.reset();
  // No target is recorded under the name unless a test says so.
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
});

describe('validateInput', () => {
  it("fills the manual walkthrough's names by default", async () => {
    await expect(validateInput({})).resolves.toEqual({
      userPoolName: 'MyUserPool',
      clientName: 'MyUserPoolClient',
      roleName: 'MyUserPool-SMS-Role',
      policyName: 'Cognito-SNS-Policy',
      targetName: 'MyUserPool',
      smsSender: 'cognito',
      smsPath: 'sns',
    });
  });

  it.each([
    [{ roleName: 'has space' }, 'roleName', 'may contain only'],
    [{ roleName: 'r'.repeat(65) }, 'roleName', '1-64 characters'],
    [{ policyName: '' }, 'policyName', '1-128 characters'],
    [{ userPoolName: 'pool#1' }, 'userPoolName', 'may contain only'],
    [{ clientName: 42 }, 'clientName', 'must be a string'],
    [{ userPoolName: 'My Pool' }, 'targetName', 'is required'],
    [{ targetName: 'a/b' }, 'targetName', 'may contain only'],
    [{ rolename: 'typo' }, 'rolename', 'is not a known field'],
    [{ smsSender: 'sns' }, 'smsSender', 'must be one of cognito, custom-sender'],
  ])('%j fails on %s', async (input, field, reason) => {
    await expect(validateInput(input)).rejects.toMatchObject({ name: 'ValidationError', field, message: expect.stringContaining(reason) });
  });

  it('accepts a pool name with spaces when a target name is given', async () => {
    await expect(validateInput({ userPoolName: 'My Pool', targetName: 'my-pool' })).resolves.toMatchObject({
      userPoolName: 'My Pool',
      targetName: 'my-pool',
    });
  });

  describe('the custom-sender mode', () => {
    afterEach(() => delete process.env.CUSTOM_SMS_SENDER_KEY_ARN);

    it('is taken by name on a stage with the Custom SMS Sender (its key ARN is set)', async () => {
      process.env.CUSTOM_SMS_SENDER_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      await expect(validateInput({ smsSender: 'custom-sender' })).resolves.toMatchObject({ smsSender: 'custom-sender' });
    });

    it.each([[undefined], ['']])('is refused by name, naming the param, on a stage without it (key ARN %j)', async (value) => {
      if (value !== undefined) process.env.CUSTOM_SMS_SENDER_KEY_ARN = value;
      await expect(validateInput({ smsSender: 'custom-sender' })).rejects.toMatchObject({
        name: 'CustomSmsSenderNotConfigured',
        message: expect.stringContaining('--param="customSmsSender=true"'),
      });
      await expect(validateInput({})).resolves.toMatchObject({ smsSender: 'cognito' });
    });
  });

  describe('smsPath (issue 18: SMS through End User Messaging, with delivery events)', () => {
    afterEach(() => delete process.env.EUMS_CONFIGURATION_SET);

    it('takes eums on a stage deployed with smsPath=eums (its configuration set is named)', async () => {
      process.env.EUMS_CONFIGURATION_SET = 'cognito-sms-mfa-test';
      await expect(validateInput({ smsPath: 'eums' })).resolves.toMatchObject({ smsPath: 'eums', smsSender: 'cognito' });
    });

    it('refuses eums by name, naming the param, on a stage without the configuration set', async () => {
      await expect(validateInput({ smsPath: 'eums' })).rejects.toMatchObject({
        name: 'EumsSmsPathNotDeployed',
        message: expect.stringContaining('--param="smsPath=eums"'),
      });
    });

    it.each([['pinpoint'], [3], ['EUMS']])('refuses smsPath %j, naming the field', async (smsPath) => {
      await expect(validateInput({ smsPath })).rejects.toMatchObject({ name: 'ValidationError', field: 'smsPath' });
    });

    it('refuses eums with the Custom SMS Sender (that pool sends no SMS, so has no delivery events)', async () => {
      process.env.EUMS_CONFIGURATION_SET = 'cognito-sms-mfa-test';
      process.env.CUSTOM_SMS_SENDER_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      try {
        await expect(validateInput({ smsPath: 'eums', smsSender: 'custom-sender' })).rejects.toMatchObject({ field: 'smsPath' });
      } finally {
        delete process.env.CUSTOM_SMS_SENDER_KEY_ARN;
      }
    });
  });

  it('rejects a non-object input', async () => {
    await expect(validateInput([1])).rejects.toMatchObject({ name: 'ValidationError', field: 'input' });
  });

  describe('a target name that "target add" recorded (finding 9: refused before anything is created)', () => {
    const recorded = (record: object) =>
      ssm
        .on(GetParameterCommand, { Name: '/cognito-sms-mfa/test/targets/shop' })
        .resolves({ Parameter: { Value: JSON.stringify({ name: 'shop', userPoolId: 'eu-west-1_shop', clientId: 'c', ...record }) } });

    it('is refused TargetNameTaken, naming the pool it records and the fix', async () => {
      recorded({ source: 'added' });
      await expect(validateInput({ targetName: 'shop' })).rejects.toMatchObject({
        name: 'TargetNameTaken',
        message: expect.stringMatching(/Target shop was added with "target add" \(pool eu-west-1_shop\).*"target remove"/),
      });
      expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/cognito-sms-mfa/test/targets/shop' });
    });

    it('is refused under the default target name too (the pool name)', async () => {
      recorded({ source: 'added' });
      await expect(validateInput({ userPoolName: 'shop' })).rejects.toMatchObject({ name: 'TargetNameTaken' });
    });

    it('lets a provisioned target be provisioned again (re-runs)', async () => {
      recorded({ source: 'provisioned' });
      await expect(validateInput({ targetName: 'shop' })).resolves.toMatchObject({ targetName: 'shop' });
    });
  });
});
