import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DetachRolePolicyCommand, GetPolicyCommand, IAMClient, ListPoliciesCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Target } from '../../lib/target';
import { detachRolePolicy } from './detachRolePolicy';

/**
 * smsPath eums: provisioning attaches the stack's EumsSendPolicy (not the input's policyName) to the
 * role it made, and records the role but no policy (it did not make the policy: managed false).
 */
const iam = mockClient(IAMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const meta = { $metadata: {} };
const STACK_POLICY = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/cognito-sms-mfa-test-eums-send';
const ROLE = 'MyUserPool-SMS-Role';
const ROLE_ARN = `arn:aws:iam::123456789012:role/cognito-sms-mfa/${ROLE}`;
const input = { roleName: ROLE, policyName: 'Cognito-SNS-Policy', targetName: 'MyUserPool' };
const eumsTarget: Target = {
  name: 'MyUserPool',
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  clientId: 'c1',
  source: 'provisioned',
  managed: { userPoolId: 'us-east-1_abc', clientId: 'c1', roleName: ROLE },
};
/** A record that names the stack's policy as its policy says the same. */
const namingIt: Target = { ...eumsTarget, managed: { ...eumsTarget.managed, policyArn: STACK_POLICY } };
const recordIs = (target: Target) => ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(target) } });
function poolsAre(pools: { Id: string; CallerArn: string }[]) {
  cognito.on(ListUserPoolsCommand).resolves({ UserPools: pools.map(({ Id }) => ({ Id, Name: Id })) });
  for (const { Id, CallerArn } of pools)
    cognito.on(DescribeUserPoolCommand, { UserPoolId: Id }).resolves({ UserPool: { Id, SmsConfiguration: { EumsSms: { CallerArn } } } });
}

beforeEach(() => {
  iam.reset();
  cognito.reset();
  ssm.reset();
  process.env.EUMS_SEND_POLICY_ARN = STACK_POLICY;
  // No policy has the input's name: the lookup by name alone found nothing, and detached nothing.
  iam.on(ListPoliciesCommand).resolves({ Policies: [] });
});
afterEach(() => delete process.env.EUMS_SEND_POLICY_ARN);

describe("detachRolePolicy on a target provisioned with smsPath eums (the stack's send policy)", () => {
  it('detaches the stack policy from the recorded role once no pool uses it, tolerating an attachment already gone', async () => {
    recordIs(eumsTarget);
    poolsAre([{ Id: 'us-east-1_other', CallerArn: 'arn:aws:iam::123456789012:role/another' }]);
    iam
      .on(DetachRolePolicyCommand)
      .resolvesOnce({})
      .rejects(new NoSuchEntityException({ message: 'not attached', ...meta }));
    await expect(detachRolePolicy(input)).resolves.toEqual({ deleted: true, id: STACK_POLICY });
    await expect(detachRolePolicy(input)).resolves.toEqual({ deleted: false, id: STACK_POLICY });
    expect(iam).toHaveReceivedCommandWith(DetachRolePolicyCommand, { RoleName: ROLE, PolicyArn: STACK_POLICY });
    // CloudFormation made it: there are no stage tags to read, so none are asked for.
    expect(iam).not.toHaveReceivedCommand(GetPolicyCommand);
  });

  it('keeps the attachment while a pool sends SMS through the role with EumsSms.CallerArn', async () => {
    recordIs(eumsTarget);
    poolsAre([{ Id: 'us-east-1_eums', CallerArn: ROLE_ARN }]);
    await expect(detachRolePolicy(input)).resolves.toMatchObject({
      deleted: false,
      kept: 'StillInUse',
      id: STACK_POLICY,
      reason: expect.stringContaining('us-east-1_eums'),
    });
    expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
  });

  it('detaches it as well when the record names it as the policy', async () => {
    recordIs(namingIt);
    poolsAre([]);
    iam.on(DetachRolePolicyCommand).resolves({});
    await expect(detachRolePolicy(input)).resolves.toEqual({ deleted: true, id: STACK_POLICY });
    expect(iam).toHaveReceivedCommandWith(DetachRolePolicyCommand, { RoleName: ROLE, PolicyArn: STACK_POLICY });
  });

  it('keeps it on a role the record does not name', async () => {
    recordIs(namingIt);
    poolsAre([]);
    const other = { ...input, roleName: 'SomeoneElses-Role' };
    await expect(detachRolePolicy(other)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: STACK_POLICY });
    recordIs(eumsTarget);
    await expect(detachRolePolicy(other)).resolves.toEqual({ deleted: false });
    expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
  });

  it("handles a policy of the input's name as before: one the record does not claim is kept", async () => {
    recordIs(eumsTarget);
    poolsAre([]);
    const handMade = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: handMade }] });
    await expect(detachRolePolicy(input)).resolves.toMatchObject({ deleted: false, kept: 'NotManaged', id: handMade });
    expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
  });

  it('detaches nothing by that ARN on a stage deployed without smsPath eums', async () => {
    delete process.env.EUMS_SEND_POLICY_ARN;
    recordIs(eumsTarget);
    poolsAre([]);
    await expect(detachRolePolicy(input)).resolves.toEqual({ deleted: false });
    expect(iam).not.toHaveReceivedCommand(DetachRolePolicyCommand);
  });
});
