import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DeletePolicyCommand, DeletePolicyVersionCommand, GetPolicyCommand, IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Target } from '../../lib/target';
import { deletePolicy } from './deletePolicy';

/** The stack's EumsSendPolicy is CloudFormation's (resources/delivery.yml): teardown never deletes it. */
const iam = mockClient(IAMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const STACK_POLICY = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/cognito-sms-mfa-test-eums-send';
const ROLE = 'MyUserPool-SMS-Role';
const TAGS = [
  { Key: 'managed-by', Value: 'cognito-sms-mfa' },
  { Key: 'stage', Value: 'test' },
];
const eumsTarget: Target = {
  name: 'MyUserPool',
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  clientId: 'c1',
  source: 'provisioned',
  // What provisioning records on smsPath eums: the role it made, no policy (the stack's is not its).
  managed: { userPoolId: 'us-east-1_abc', clientId: 'c1', roleName: ROLE },
};
const kept = { deleted: false, kept: 'NotManaged', id: STACK_POLICY, reason: expect.stringContaining('CloudFormation') };
function untouched() {
  expect(iam).not.toHaveReceivedCommand(DeletePolicyVersionCommand);
  expect(iam).not.toHaveReceivedCommand(DeletePolicyCommand);
}

beforeEach(() => {
  iam.reset();
  cognito.reset();
  ssm.reset();
  process.env.EUMS_SEND_POLICY_ARN = STACK_POLICY;
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(eumsTarget) } });
  cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
  // Even tagged as this stage's (stack tags may reach it), the stack's policy is not teardown's to delete.
  iam.on(GetPolicyCommand).resolves({ Policy: { Arn: STACK_POLICY, Tags: TAGS } });
});
afterEach(() => delete process.env.EUMS_SEND_POLICY_ARN);

describe("deletePolicy keeps the stack's End User Messaging send policy (NotManaged)", () => {
  it('when the record names the role and no policy has the input name', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [] });
    await expect(deletePolicy({ policyName: 'Cognito-SNS-Policy', roleName: ROLE, targetName: 'MyUserPool' })).resolves.toEqual(kept);
    untouched();
  });

  it('when the record names it as the policy', async () => {
    const record = { ...eumsTarget, managed: { ...eumsTarget.managed, policyArn: STACK_POLICY } };
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(record) } });
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'cognito-sms-mfa-test-eums-send', Arn: STACK_POLICY }] });
    await expect(deletePolicy({ policyName: 'cognito-sms-mfa-test-eums-send', roleName: ROLE, targetName: 'MyUserPool' })).resolves.toEqual(
      kept,
    );
    untouched();
  });

  it('when the input names it, found by name under the IAM path', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'cognito-sms-mfa-test-eums-send', Arn: STACK_POLICY }] });
    await expect(deletePolicy({ policyName: 'cognito-sms-mfa-test-eums-send', roleName: ROLE, targetName: 'MyUserPool' })).resolves.toEqual(
      kept,
    );
    untouched();
  });
});
