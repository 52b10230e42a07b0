import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CreateRoleCommand, EntityAlreadyExistsException, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ensureSmsRole, handler } from './ensureSmsRole';
import { cognitoSmsTrustPolicy } from '../../lib/iam/smsTrustPolicy';

const iam = mockClient(IAMClient);
const ARN = 'arn:aws:iam::123456789012:role/cognito-sms-mfa/MyUserPool-SMS-Role';
const exists = () => new EntityAlreadyExistsException({ message: 'Role with name MyUserPool-SMS-Role already exists.', $metadata: {} });
const role = (doc: unknown, path = '/cognito-sms-mfa/') => ({
  Role: {
    RoleName: 'MyUserPool-SMS-Role',
    Path: path,
    Arn: ARN,
    RoleId: 'AROA',
    CreateDate: new Date(),
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(doc)),
  },
});

beforeEach(() => iam.reset());

describe('ensureSmsRole', () => {
  it('creates the role with a Cognito-only trust policy and a fresh lower-case ExternalId', async () => {
    iam.on(CreateRoleCommand).resolves({ Role: { Arn: ARN } as never });
    const out = await ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' });
    expect(out).toEqual({
      roleName: 'MyUserPool-SMS-Role',
      roleArn: ARN,
      externalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created: true,
      managed: true,
    });
    const sent = iam.commandCalls(CreateRoleCommand)[0].args[0].input;
    expect(sent.Tags).toEqual([
      { Key: 'managed-by', Value: 'cognito-sms-mfa' },
      { Key: 'stage', Value: 'test' },
    ]);
    expect(sent.Path).toBe('/cognito-sms-mfa/');
    expect(JSON.parse(sent.AssumeRolePolicyDocument!)).toEqual(cognitoSmsTrustPolicy(out.externalId));
  });

  it('reuses an existing role and reads its ExternalId back (URL-encoded, as IAM returns it)', async () => {
    iam.on(CreateRoleCommand).rejects(exists());
    iam.on(GetRoleCommand).resolves(role(cognitoSmsTrustPolicy('1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d')));
    const out = await ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' });
    expect(out).toEqual({
      roleName: 'MyUserPool-SMS-Role',
      roleArn: ARN,
      externalId: '1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d',
      created: false,
      managed: false,
    });
  });

  it('claims a role it finds only when the role carries the managed-by tag and this stage', async () => {
    iam.on(CreateRoleCommand).rejects(exists());
    const found = role(cognitoSmsTrustPolicy('1dda6cb7-e93d-4802-8419-a6bbaf7b0e7d'));
    const tagged = (...tags: [string, string][]) =>
      iam.on(GetRoleCommand).resolves({ Role: { ...found.Role, Tags: tags.map(([Key, Value]) => ({ Key, Value })) } });
    tagged(['managed-by', 'cognito-sms-mfa'], ['stage', 'test']);
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toMatchObject({ created: false, managed: true });
    // Another stage's role (same default name on every stage), and one made before stage tags.
    tagged(['managed-by', 'cognito-sms-mfa'], ['stage', 'prod']);
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toMatchObject({ created: false, managed: false });
    tagged(['managed-by', 'cognito-sms-mfa']);
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toMatchObject({ created: false, managed: false });
    iam.on(GetRoleCommand).resolves({ Role: { ...found.Role, Tags: [{ Key: 'managed-by', Value: 'terraform' }] } });
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toMatchObject({ created: false, managed: false });
  });

  it('refuses a role that does not trust Cognito, saying what differs', async () => {
    iam.on(CreateRoleCommand).rejects(exists());
    iam.on(GetRoleCommand).resolves(
      role({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    );
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).rejects.toMatchObject({
      name: 'SmsRoleTrustMismatch',
      message: expect.stringContaining('no Allow statement lets cognito-idp.amazonaws.com call sts:AssumeRole'),
    });
  });

  it('refuses a role trusting Cognito without an ExternalId condition', async () => {
    iam.on(CreateRoleCommand).rejects(exists());
    iam.on(GetRoleCommand).resolves(
      role({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'cognito-idp.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    );
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).rejects.toMatchObject({
      name: 'SmsRoleTrustMismatch',
      message: expect.stringContaining('no single StringEquals sts:ExternalId'),
    });
  });

  it('refuses a role outside the managed IAM path instead of adopting it', async () => {
    iam.on(CreateRoleCommand).rejects(exists());
    iam.on(GetRoleCommand).resolves(role(cognitoSmsTrustPolicy('x-y'), '/'));
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).rejects.toMatchObject({ name: 'SmsRoleOutsideManagedPath' });
  });

  it('lets other AWS errors through with their names (for Retry/Catch)', async () => {
    iam.on(CreateRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(ensureSmsRole({ roleName: 'MyUserPool-SMS-Role' })).rejects.toMatchObject({ name: 'Throttling' });
  });

  it('rejects an invalid role name before calling IAM', async () => {
    await expect(ensureSmsRole({ roleName: 'bad name!' })).rejects.toMatchObject({ name: 'ValidationError', field: 'roleName' });
    expect(iam.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, fails with the error name and a one-line trace', async () => {
    iam.on(CreateRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const error = await handler({ roleName: 'r' }, {} as never).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Throttling', stack: 'Throttling: Rate exceeded' });
  });
});
