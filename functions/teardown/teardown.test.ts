import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteConflictException,
  DetachRolePolicyCommand,
  IAMClient,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityProviderClient,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
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
const meta = { $metadata: {} };
beforeEach(() => {
  iam.reset();
  cognito.reset();
  ssm.reset();
});

describe('teardown', () => {
  it('deletes the client of the named pool', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    cognito.on(DeleteUserPoolClientCommand).resolves({});
    await expect(deleteUserPoolClient({ userPoolName: 'MyUserPool', clientName: 'MyUserPoolClient' })).resolves.toEqual({
      deleted: true,
      id: 'c1',
    });
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolClientCommand, { UserPoolId: 'us-east-1_abc', ClientId: 'c1' });
  });

  it('counts a missing pool or client as already deleted', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    await expect(deleteUserPoolClient({ userPoolName: 'MyUserPool', clientName: 'MyUserPoolClient' })).resolves.toEqual({ deleted: false });
    await expect(deleteUserPool({ userPoolName: 'MyUserPool' })).resolves.toEqual({ deleted: false });
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolCommand);
  });

  it('tolerates a pool deleted between listing and deleting', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_abc', Name: 'MyUserPool' }] });
    cognito.on(DeleteUserPoolCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    await expect(deleteUserPool({ userPoolName: 'MyUserPool' })).resolves.toEqual({ deleted: false, id: 'us-east-1_abc' });
  });

  it('detaches the policy, tolerating an attachment that is already gone', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam
      .on(DetachRolePolicyCommand)
      .resolvesOnce({})
      .rejects(new NoSuchEntityException({ message: 'not attached', ...meta }));
    const names = { roleName: 'MyUserPool-SMS-Role', policyName: 'Cognito-SNS-Policy' };
    await expect(detachRolePolicy(names)).resolves.toEqual({ deleted: true, id: POLICY });
    await expect(detachRolePolicy(names)).resolves.toEqual({ deleted: false, id: POLICY });
  });

  it('deletes non-default policy versions before the policy', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam.on(ListPolicyVersionsCommand).resolves({
      Versions: [
        { VersionId: 'v2', IsDefaultVersion: true },
        { VersionId: 'v1', IsDefaultVersion: false },
      ],
    });
    await expect(deletePolicy({ policyName: 'Cognito-SNS-Policy' })).resolves.toEqual({ deleted: true, id: POLICY });
    expect(iam).toHaveReceivedCommandTimes(DeletePolicyVersionCommand, 1);
    expect(iam).toHaveReceivedCommandWith(DeletePolicyVersionCommand, { VersionId: 'v1' });
    expect(iam).toHaveReceivedCommandWith(DeletePolicyCommand, { PolicyArn: POLICY });
  });

  it('refuses (by name) to delete a policy someone else still uses', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: POLICY }] });
    iam.on(ListPolicyVersionsCommand).resolves({ Versions: [] });
    iam.on(DeletePolicyCommand).rejects(new DeleteConflictException({ message: 'Cannot delete a policy attached to entities.', ...meta }));
    await expect(deletePolicy({ policyName: 'Cognito-SNS-Policy' })).rejects.toMatchObject({ name: 'DeleteConflictException' });
  });

  it('deletes the role, and a second run finds it gone', async () => {
    iam
      .on(DeleteRoleCommand)
      .resolvesOnce({})
      .rejects(new NoSuchEntityException({ message: 'gone', ...meta }));
    await expect(deleteRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toEqual({ deleted: true, id: 'MyUserPool-SMS-Role' });
    await expect(deleteRole({ roleName: 'MyUserPool-SMS-Role' })).resolves.toEqual({ deleted: false });
  });

  it('deletes the recorded target, tolerating ParameterNotFound', async () => {
    ssm
      .on(DeleteParameterCommand)
      .resolvesOnce({})
      .rejects(new ParameterNotFound({ message: 'gone', ...meta }));
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toEqual({
      deleted: true,
      id: '/cognito-sms-mfa/test/targets/MyUserPool',
    });
    await expect(deleteTarget({ targetName: 'MyUserPool' })).resolves.toEqual({ deleted: false });
  });
});
