import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteConflictException,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityProviderClient,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ResourceNotFoundException,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteParameterCommand, GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import type { Target } from '../../lib/target';
import { deleteUserPoolClient } from './deleteUserPoolClient';
import { deleteUserPool } from './deleteUserPool';
import { detachRolePolicy } from './detachRolePolicy';
import { deletePolicy } from './deletePolicy';
import { deleteRole } from './deleteRole';
import { deleteTarget } from './deleteTarget';

const iam = mockClient(IAMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const POLICY = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
const ROLE = 'MyUserPool-SMS-Role';
const ROLE_ARN = `arn:aws:iam::123456789012:role/cognito-sms-mfa/${ROLE}`;
const PARAMETER = '/cognito-sms-mfa/test/targets/MyUserPool';
// What provisioning tags on what it makes: managed-by, and the stage (STAGE is `test` in unit tests).
const TAGS = { 'managed-by': 'cognito-sms-mfa', stage: 'test' };
const IAM_TAGS = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));
const meta = { $metadata: {} };
const names = { userPoolName: 'MyUserPool', clientName: 'MyUserPoolClient', targetName: 'MyUserPool' };
const iamNames = { roleName: ROLE, policyName: 'Cognito-SNS-Policy', targetName: 'MyUserPool' };

/** What provisioning records when it made all four. */
const provisioned: Target = {
  name: 'MyUserPool',
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  clientId: 'c1',
  source: 'provisioned',
  managed: { userPoolId: 'us-east-1_abc', clientId: 'c1', roleName: ROLE, policyArn: POLICY },
};
const recordIs = (target: Target | undefined) =>
  target
    ? ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves({ Parameter: { Value: JSON.stringify(target) } })
    : ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', ...meta }));

/** The Region's pools, each with its settings as DescribeUserPool returns them. */
function poolsAre(pools: UserPoolType[]) {
  cognito.on(ListUserPoolsCommand).resolves({ UserPools: pools.map((p) => ({ Id: p.Id, Name: p.Name })) });
  cognito.on(DescribeUserPoolCommand).rejects(new ResourceNotFoundException({ message: 'no such pool', ...meta }));
  for (const pool of pools) cognito.on(DescribeUserPoolCommand, { UserPoolId: pool.Id }).resolves({ UserPool: pool });
}
/** No IAM delete or detach was sent. */
function iamUntouched() {
  expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
  expect(iam).not.toHaveReceivedCommand(DeletePolicyCommand);
  expect(iam).not.toHaveReceivedCommand(DeleteRoleCommand);
}
const ourPool: UserPoolType = { Id: 'us-east-1_abc', Name: 'MyUserPool', UserPoolTags: TAGS };

beforeEach(() => {
  iam.reset();
  cognito.reset();
  ssm.reset();
  // The role and policy carry this stage's tags unless a test says otherwise.
  iam
    .on(GetRoleCommand)
    .resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/cognito-sms-mfa/', RoleId: 'r', CreateDate: new Date(), Tags: IAM_TAGS } });
  iam.on(GetPolicyCommand).resolves({ Policy: { Arn: POLICY, Tags: IAM_TAGS } });
});

describe('teardown deletes what provisioning made', () => {
  it('deletes the client the record names, in the recorded pool', async () => {
    recordIs(provisioned);
    poolsAre([ourPool]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    cognito.on(DeleteUserPoolClientCommand).resolves({});
    await expect(deleteUserPoolClient(names)).resolves.toEqual({ deleted: true, id: 'c1' });
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolClientCommand, { UserPoolId: 'us-east-1_abc', ClientId: 'c1' });
  });

  it('deletes a tagged pool whose id the record names', async () => {
    recordIs(provisioned);
    poolsAre([ourPool]);
    await expect(deleteUserPool(names)).resolves.toEqual({ deleted: true, id: 'us-east-1_abc' });
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolCommand, { UserPoolId: 'us-east-1_abc' });
  });

  it('counts a missing pool or client as already deleted', async () => {
    recordIs(provisioned);
    poolsAre([]);
    await expect(deleteUserPoolClient(names)).resolves.toEqual({ deleted: false });
    await expect(deleteUserPool(names)).resolves.toEqual({ deleted: false });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
  });

  it('tolerates a pool deleted between listing and deleting', async () => {
    recordIs(provisioned);
    poolsAre([ourPool]);
    cognito.on(DeleteUserPoolCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    await expect(deleteUserPool(names)).resolves.toEqual({ deleted: false, id: 'us-east-1_abc' });
  });

  it('detaches the policy from the role once no pool uses the role, tolerating an attachment already gone', async () => {
    recordIs(provisioned);
    poolsAre([{ Id: 'us-east-1_other', Name: 'Other', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/another' } }]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam
      .on(DetachRolePolicyCommand)
      .resolvesOnce({})
      .rejects(new NoSuchEntityException({ message: 'not attached', ...meta }));
    await expect(detachRolePolicy(iamNames)).resolves.toEqual({ deleted: true, id: POLICY });
    await expect(detachRolePolicy(iamNames)).resolves.toEqual({ deleted: false, id: POLICY });
  });

  it('deletes non-default policy versions before the policy', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam.on(ListPolicyVersionsCommand).resolves({
      Versions: [
        { VersionId: 'v2', IsDefaultVersion: true },
        { VersionId: 'v1', IsDefaultVersion: false },
      ],
    });
    await expect(deletePolicy(iamNames)).resolves.toEqual({ deleted: true, id: POLICY });
    expect(iam).toHaveReceivedCommandTimes(DeletePolicyVersionCommand, 1);
    expect(iam).toHaveReceivedCommandWith(DeletePolicyVersionCommand, { VersionId: 'v1' });
    expect(iam).toHaveReceivedCommandWith(DeletePolicyCommand, { PolicyArn: POLICY });
  });

  it('deletes the role, and a second run finds it gone', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam
      .on(DeleteRoleCommand)
      .resolvesOnce({})
      .rejects(new NoSuchEntityException({ message: 'gone', ...meta }));
    await expect(deleteRole(iamNames)).resolves.toEqual({ deleted: true, id: ROLE });
    await expect(deleteRole(iamNames)).resolves.toEqual({ deleted: false });
  });

  it('deletes a provisioned record once its pool is gone, tolerating ParameterNotFound', async () => {
    recordIs(provisioned);
    poolsAre([]);
    ssm
      .on(DeleteParameterCommand)
      .resolvesOnce({})
      .rejects(new ParameterNotFound({ message: 'gone', ...meta }));
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toEqual({ deleted: true, id: PARAMETER });
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toEqual({ deleted: false });
  });

  it('counts a record that is already gone as deleted', async () => {
    recordIs(undefined);
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toEqual({ deleted: false });
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });
});

describe('teardown keeps what is not ours (NotManaged)', () => {
  it('keeps a pool without the managed-by tag, even when the record names its id (a pool made by hand)', async () => {
    recordIs(provisioned);
    poolsAre([{ Id: 'us-east-1_abc', Name: 'MyUserPool' }]);
    await expect(deleteUserPool(names)).resolves.toEqual({
      deleted: false,
      kept: 'NotManaged',
      id: 'us-east-1_abc',
      reason: expect.stringContaining('has no tag managed-by=cognito-sms-mfa'),
    });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
  });

  it('keeps a tagged pool that the record does not name (another stage, or a copied tag)', async () => {
    recordIs(provisioned);
    poolsAre([{ Id: 'us-east-1_zzz', Name: 'MyUserPool', UserPoolTags: TAGS }]);
    await expect(deleteUserPool(names)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: 'us-east-1_zzz' });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
  });

  it('keeps every resource when there is no record for the target (teardown named a pool made by hand)', async () => {
    recordIs(undefined);
    poolsAre([{ Id: 'us-east-1_hand', Name: 'HandMade', UserPoolTags: TAGS }]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'h1', ClientName: 'MyUserPoolClient' }] });
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    const hand = { userPoolName: 'HandMade', clientName: 'MyUserPoolClient', targetName: 'HandMade' };
    const reason = expect.stringContaining('no target named HandMade');
    await expect(deleteUserPoolClient(hand)).resolves.toEqual({ deleted: false, kept: 'NotManaged', id: 'h1', reason });
    await expect(deleteUserPool(hand)).resolves.toEqual({ deleted: false, kept: 'NotManaged', id: 'us-east-1_hand', reason });
    const iamHand = { ...iamNames, targetName: 'HandMade' };
    await expect(detachRolePolicy(iamHand)).resolves.toEqual({ deleted: false, kept: 'NotManaged', id: POLICY, reason });
    await expect(deletePolicy(iamHand)).resolves.toEqual({ deleted: false, kept: 'NotManaged', id: POLICY, reason });
    await expect(deleteRole(iamHand)).resolves.toEqual({ deleted: false, kept: 'NotManaged', id: ROLE, reason });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
    iamUntouched();
  });

  it('keeps a client provisioning made in a pool it did not make (IAM allows client deletes only in tagged pools)', async () => {
    recordIs({ ...provisioned, managed: { clientId: 'c1', roleName: ROLE, policyArn: POLICY } });
    poolsAre([{ Id: 'us-east-1_abc', Name: 'MyUserPool' }]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    await expect(deleteUserPoolClient(names)).resolves.toMatchObject({
      deleted: false,
      kept: 'NotManaged',
      id: 'c1',
      reason: expect.stringContaining('delete-user-pool-client'),
    });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
  });

  it('keeps a client the record does not name, even in our pool', async () => {
    recordIs(provisioned);
    poolsAre([ourPool]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c2', ClientName: 'MyUserPoolClient' }] });
    await expect(deleteUserPoolClient(names)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: 'c2' });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
  });

  it('keeps a role and policy of other names than the record has', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Other-Policy', Arn: `${POLICY}-other` }] });
    const other = { roleName: 'Someone-Role', policyName: 'Other-Policy', targetName: 'MyUserPool' };
    await expect(deleteRole(other)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: 'Someone-Role' });
    await expect(deletePolicy(other)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: `${POLICY}-other` });
    await expect(detachRolePolicy(other)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged' });
    expect(iam).not.toHaveReceivedCommand(DeleteRoleCommand);
    expect(iam).not.toHaveReceivedCommand(DeletePolicyCommand);
  });

  it('keeps what a record without ownership names (written before provisioning recorded it)', async () => {
    const { managed: _m, source: _s, ...legacy } = provisioned;
    recordIs(legacy);
    poolsAre([ourPool]);
    await expect(deleteUserPool(names)).resolves.toEqual({
      deleted: false,
      kept: 'NotManaged',
      id: 'us-east-1_abc',
      reason: expect.stringContaining('run provision again'),
    });
  });
});

describe("teardown keeps another stage's resources, and those made before stage tags (NotManaged)", () => {
  // Default names are the same on every stage: a record written before stage tags (or by a stage
  // that claimed by managed-by alone) may name another stage's pool, role and policy.
  const otherStage = { 'managed-by': 'cognito-sms-mfa', stage: 'prod' };
  const legacy = { 'managed-by': 'cognito-sms-mfa' };
  const iamTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

  it.each([
    ['made by another stage', otherStage, 'was made by stage prod, not by this stage (test)'],
    ['made before stage tags (managed-by only)', legacy, 'tag it stage=test'],
  ])('keeps a pool %s, and its client, even when the record names them', async (_what, tags, reason) => {
    recordIs(provisioned);
    poolsAre([{ ...ourPool, UserPoolTags: tags }]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    await expect(deleteUserPool(names)).resolves.toEqual({
      deleted: false,
      kept: 'NotManaged',
      id: 'us-east-1_abc',
      reason: expect.stringContaining(reason),
    });
    await expect(deleteUserPoolClient(names)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: 'c1' });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
  });

  it.each([
    ['made by another stage', otherStage, 'was made by stage prod'],
    ['made before stage tags (managed-by only)', legacy, 'tag it stage=test'],
  ])('keeps a role and policy %s, even when the record names them', async (_what, tags, reason) => {
    recordIs(provisioned);
    poolsAre([]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam.on(GetRoleCommand).resolves({
      Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/cognito-sms-mfa/', RoleId: 'r', CreateDate: new Date(), Tags: iamTags(tags) },
    });
    iam.on(GetPolicyCommand).resolves({ Policy: { Arn: POLICY, Tags: iamTags(tags) } });
    const kept = { deleted: false, kept: 'NotManaged', reason: expect.stringContaining(reason) };
    await expect(detachRolePolicy(iamNames)).resolves.toEqual({ ...kept, id: POLICY });
    await expect(deletePolicy(iamNames)).resolves.toEqual({ ...kept, id: POLICY });
    await expect(deleteRole(iamNames)).resolves.toEqual({ ...kept, id: ROLE });
    iamUntouched();
  });

  it('counts a role whose GetRole says NoSuchEntity as already deleted', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'gone', ...meta }));
    await expect(deleteRole(iamNames)).resolves.toEqual({ deleted: false });
    expect(iam).not.toHaveReceivedCommand(DeleteRoleCommand);
  });
});

describe('an added target (target add) is never deleted, nor anything it names', () => {
  // Even a record that claims resources: `added` means the tool made none of them.
  const added: Target = { ...provisioned, source: 'added' };

  it('keeps the pool, client, role, policy and the record', async () => {
    recordIs(added);
    poolsAre([ourPool]);
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    const reason = expect.stringContaining('was added with "target add"');
    await expect(deleteUserPoolClient(names)).resolves.toMatchObject({ kept: 'NotManaged', reason });
    await expect(deleteUserPool(names)).resolves.toMatchObject({ kept: 'NotManaged', reason });
    await expect(detachRolePolicy(iamNames)).resolves.toMatchObject({ kept: 'NotManaged', reason });
    await expect(deletePolicy(iamNames)).resolves.toMatchObject({ kept: 'NotManaged', reason });
    await expect(deleteRole(iamNames)).resolves.toMatchObject({ kept: 'NotManaged', reason });
    poolsAre([]);
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: PARAMETER });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
    iamUntouched();
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });
});

describe('teardown keeps what another pool still uses (StillInUse)', () => {
  const handMade: UserPoolType = { Id: 'us-east-1_hand', Name: 'HandMade', SmsConfiguration: { SnsCallerArn: ROLE_ARN, ExternalId: 'x' } };

  it('keeps the role, its policy and the attachment while a pool made by hand sends SMS through the role', async () => {
    recordIs(provisioned);
    poolsAre([handMade]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    const reason = expect.stringContaining('us-east-1_hand');
    await expect(detachRolePolicy(iamNames)).resolves.toEqual({ deleted: false, kept: 'StillInUse', id: POLICY, reason });
    await expect(deletePolicy(iamNames)).resolves.toEqual({ deleted: false, kept: 'StillInUse', id: POLICY, reason });
    await expect(deleteRole(iamNames)).resolves.toEqual({ deleted: false, kept: 'StillInUse', id: ROLE, reason });
    iamUntouched();
  });

  it('keeps a policy still attached elsewhere (DeleteConflict) instead of failing', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam.on(ListPolicyVersionsCommand).resolves({ Versions: [] });
    iam.on(DeletePolicyCommand).rejects(new DeleteConflictException({ message: 'Cannot delete a policy attached to entities.', ...meta }));
    await expect(deletePolicy(iamNames)).resolves.toMatchObject({ deleted: false, kept: 'StillInUse', id: POLICY });
  });

  it('keeps a role that still has other policies attached (DeleteConflict)', async () => {
    recordIs(provisioned);
    poolsAre([]);
    iam
      .on(DeleteRoleCommand)
      .rejects(new DeleteConflictException({ message: 'Cannot delete entity, must detach all policies first.', ...meta }));
    await expect(deleteRole(iamNames)).resolves.toMatchObject({ deleted: false, kept: 'StillInUse', id: ROLE });
  });

  it('keeps the record while its pool exists, or while something it claims was kept in use', async () => {
    recordIs(provisioned);
    poolsAre([ourPool]);
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toMatchObject({
      kept: 'StillInUse',
      reason: expect.stringContaining('us-east-1_abc still exists'),
    });
    poolsAre([]);
    const earlier = { role: { deleted: false, kept: 'StillInUse', id: ROLE }, userPool: { deleted: true, id: 'us-east-1_abc' } };
    await expect(deleteTarget({ targetName: 'MyUserPool', earlier })).resolves.toMatchObject({
      kept: 'StillInUse',
      reason: expect.stringContaining(ROLE),
    });
    expect(ssm).not.toHaveReceivedCommand(DeleteParameterCommand);
  });
});
