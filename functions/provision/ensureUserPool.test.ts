import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InvalidSmsRoleTrustRelationshipException,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ensureUserPool } from './ensureUserPool';

const cognito = mockClient(CognitoIdentityProviderClient);
const ROLE = 'arn:aws:iam::123456789012:role/cognito-sms-mfa/MyUserPool-SMS-Role';
const EXT = '1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d';
const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc';
const input = { userPoolName: 'MyUserPool', roleArn: ROLE, externalId: EXT };
// The stage tag's value (resources/functions.yml sets STAGE from the deployed stage).
process.env.STAGE = 'test';
beforeEach(() => cognito.reset());

describe('ensureUserPool', () => {
  it('creates the pool as the walkthrough does: phone required and auto-verified, SMS config, MFA ON, case-insensitive', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN } });
    await expect(ensureUserPool(input)).resolves.toEqual({
      userPoolId: 'us-east-1_abc',
      userPoolArn: POOL_ARN,
      created: true,
      managed: true,
      drift: [],
      smsSender: 'cognito',
    });
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolCommand, {
      // What teardown checks before it deletes the pool (functions/teardown/deleteUserPool.ts).
      UserPoolTags: { 'managed-by': 'cognito-sms-mfa', stage: 'test' },
      PoolName: 'MyUserPool',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: ROLE, ExternalId: EXT },
      MfaConfiguration: 'ON',
      UsernameConfiguration: { CaseSensitive: false },
      Schema: [expect.objectContaining({ Name: 'phone_number', Required: true })],
    });
  });

  it('looks past the first page (the walkthrough read only 10 pools) and reuses the pool', async () => {
    cognito
      .on(ListUserPoolsCommand)
      .resolvesOnce({ UserPools: [{ Id: 'us-east-1_x', Name: 'Other' }], NextToken: 't1' })
      .resolvesOnce({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DescribeUserPoolCommand).resolves({
      UserPool: {
        Id: 'us-east-1_abc',
        Arn: POOL_ARN,
        MfaConfiguration: 'ON',
        AutoVerifiedAttributes: ['phone_number'],
        SmsConfiguration: { SnsCallerArn: ROLE, ExternalId: EXT },
        UsernameConfiguration: { CaseSensitive: false },
        UserPoolTags: { 'managed-by': 'cognito-sms-mfa', stage: 'test' },
      },
    });
    await expect(ensureUserPool(input)).resolves.toEqual({
      userPoolId: 'us-east-1_abc',
      userPoolArn: POOL_ARN,
      created: false,
      managed: true,
      drift: [],
      smsSender: 'cognito',
    });
    expect(cognito).toHaveReceivedCommandWith(ListUserPoolsCommand, { NextToken: 't1' });
    expect(cognito).not.toHaveReceivedCommand(CreateUserPoolCommand);
  });

  it('uses a pool found by name without the managed-by tag, and does not claim it (nor tag it)', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN, UserPoolTags: { team: 'auth' } } });
    await expect(ensureUserPool(input)).resolves.toMatchObject({ userPoolId: 'us-east-1_abc', created: false, managed: false });
    expect(cognito.calls().map((c) => c.args[0].constructor.name)).toEqual(['ListUserPoolsCommand', 'DescribeUserPoolCommand']);
  });

  it.each([
    ['another stage made (default names are the same on every stage)', { 'managed-by': 'cognito-sms-mfa', stage: 'prod' }],
    ['was made before stage tags (managed-by only): whose it is cannot be told', { 'managed-by': 'cognito-sms-mfa' }],
  ])('does not claim (nor tag) a pool found by name that %s', async (_what, tags) => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN, UserPoolTags: tags } });
    await expect(ensureUserPool(input)).resolves.toMatchObject({ userPoolId: 'us-east-1_abc', created: false, managed: false });
    expect(cognito.calls().map((c) => c.args[0].constructor.name)).toEqual(['ListUserPoolsCommand', 'DescribeUserPoolCommand']);
  });

  it('reports (and does not change) an existing pool that drifted', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN, MfaConfiguration: 'OFF' } });
    const out = await ensureUserPool(input);
    expect(out.drift).toEqual(expect.arrayContaining(['MfaConfiguration is OFF, expected ON', 'usernames are case-sensitive']));
    expect(cognito).not.toHaveReceivedCommand(CreateUserPoolCommand);
  });

  it('reports the custom-sender mode of a found pool, as drift only when Cognito SMS was asked for', async () => {
    const LambdaConfig = {
      CustomSMSSender: { LambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:sender', LambdaVersion: 'V1_0' as const },
      KMSKeyID: 'arn:aws:kms:us-east-1:123456789012:key/k',
    };
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN, LambdaConfig } });
    const asked = await ensureUserPool(input);
    expect(asked.smsSender).toBe('custom-sender');
    expect(asked.drift).toEqual(expect.arrayContaining([expect.stringContaining('custom-sender mode')]));
    const wanted = await ensureUserPool({ ...input, smsSender: 'custom-sender' });
    expect(wanted.drift.some((d) => d.includes('custom-sender'))).toBe(false);
  });

  it('fails with DuplicateUserPoolName listing both ids when two pools share the name', async () => {
    cognito.on(ListUserPoolsCommand).resolves({
      UserPools: [
        { Id: 'us-east-1_a', Name: 'MyUserPool' },
        { Id: 'us-east-1_b', Name: 'MyUserPool' },
      ],
    });
    await expect(ensureUserPool(input)).rejects.toMatchObject({
      name: 'DuplicateUserPoolName',
      message: expect.stringContaining('us-east-1_a, us-east-1_b'),
    });
  });

  it('lets InvalidSmsRoleTrustRelationshipException through by name, for the propagation retry', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    cognito.on(CreateUserPoolCommand).rejects(
      new InvalidSmsRoleTrustRelationshipException({
        message: 'Role does not have a trust relationship allowing Cognito to assume the role',
        $metadata: {},
      }),
    );
    await expect(ensureUserPool(input)).rejects.toMatchObject({ name: 'InvalidSmsRoleTrustRelationshipException' });
  });

  it('rejects a role that is not an IAM role ARN', async () => {
    await expect(ensureUserPool({ ...input, roleArn: 'MyUserPool-SMS-Role' })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'roleArn',
    });
  });

  describe('smsPath eums (issue 18)', () => {
    beforeEach(() => (process.env.EUMS_CONFIGURATION_SET = 'cognito-sms-mfa-test'));
    afterEach(() => delete process.env.EUMS_CONFIGURATION_SET);

    it('creates the pool sending through End User Messaging with the stack configuration set, and no SnsCallerArn', async () => {
      cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
      cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_abc', Arn: POOL_ARN } });
      await ensureUserPool({ ...input, smsPath: 'eums' });
      const sent = cognito.commandCalls(CreateUserPoolCommand)[0].args[0].input.SmsConfiguration;
      expect(sent).toEqual({ EumsSms: { CallerArn: ROLE, ExternalId: EXT, ConfigurationSetName: 'cognito-sms-mfa-test' } });
    });

    it('reports a found pool on the other path as drift, and does not switch it', async () => {
      cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
      cognito.on(DescribeUserPoolCommand).resolves({
        UserPool: {
          Id: 'us-east-1_abc',
          Arn: POOL_ARN,
          MfaConfiguration: 'ON',
          AutoVerifiedAttributes: ['phone_number'],
          UsernameConfiguration: { CaseSensitive: false },
          SmsConfiguration: { SnsCallerArn: ROLE, ExternalId: EXT },
        },
      });
      const out = await ensureUserPool({ ...input, smsPath: 'eums' });
      expect(out.drift).toEqual(['the pool sends SMS through sns, not eums (smsPath; not switched here)']);
      expect(cognito).not.toHaveReceivedCommand(CreateUserPoolCommand);
    });

    it('refuses an unknown path by field', async () => {
      await expect(ensureUserPool({ ...input, smsPath: 'pinpoint' })).rejects.toMatchObject({ name: 'ValidationError', field: 'smsPath' });
    });
  });
});
