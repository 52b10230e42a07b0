import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CreatePolicyCommand, EntityAlreadyExistsException, GetPolicyCommand, IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { ensureSnsPolicy, SNS_PUBLISH_POLICY } from './ensureSnsPolicy';

const iam = mockClient(IAMClient);
const ARN = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
beforeEach(() => iam.reset());

describe('ensureSnsPolicy', () => {
  it('creates the sns:Publish policy under the managed path when no page lists it', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Other', Arn: 'arn:aws:iam::1:policy/x' }], IsTruncated: false });
    iam.on(CreatePolicyCommand).resolves({ Policy: { Arn: ARN } });
    await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy' })).resolves.toEqual({
      policyName: 'Cognito-SNS-Policy',
      policyArn: ARN,
      created: true,
      managed: true,
    });
    const input = iam.commandCalls(CreatePolicyCommand)[0].args[0].input;
    expect(input.Path).toBe('/cognito-sms-mfa/');
    // managed-by and the stage: what a later run and teardown check before claiming it.
    expect(input.Tags).toEqual([
      { Key: 'managed-by', Value: 'cognito-sms-mfa' },
      { Key: 'stage', Value: 'test' },
    ]);
    expect(JSON.parse(input.PolicyDocument!)).toEqual(SNS_PUBLISH_POLICY);
    expect(iam).toHaveReceivedCommandWith(ListPoliciesCommand, { Scope: 'Local', PathPrefix: '/cognito-sms-mfa/' });
  });

  it('finds an existing policy on a later page and creates nothing', async () => {
    iam
      .on(ListPoliciesCommand)
      .resolvesOnce({ Policies: [{ PolicyName: 'A', Arn: 'arn:a' }], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: ARN }], IsTruncated: false });
    // ListPolicies carries no tags: GetPolicy's say whether provisioning made it.
    iam.on(GetPolicyCommand, { PolicyArn: ARN }).resolves({
      Policy: {
        Arn: ARN,
        Tags: [
          { Key: 'managed-by', Value: 'cognito-sms-mfa' },
          { Key: 'stage', Value: 'test' },
        ],
      },
    });
    await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy' })).resolves.toEqual({
      policyName: 'Cognito-SNS-Policy',
      policyArn: ARN,
      created: false,
      managed: true,
    });
    expect(iam).toHaveReceivedCommandTimes(ListPoliciesCommand, 2);
    expect(iam).toHaveReceivedCommandWith(ListPoliciesCommand, { Marker: 'm1' });
    expect(iam).not.toHaveReceivedCommand(CreatePolicyCommand);
  });

  it.each([
    [
      'another stage',
      [
        { Key: 'managed-by', Value: 'cognito-sms-mfa' },
        { Key: 'stage', Value: 'prod' },
      ],
    ],
    ['before stage tags', [{ Key: 'managed-by', Value: 'cognito-sms-mfa' }]],
  ])('does not claim a policy found by name that was made by %s', async (_what, Tags) => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [{ PolicyName: 'Cognito-SNS-Policy', Arn: ARN }], IsTruncated: false });
    iam.on(GetPolicyCommand, { PolicyArn: ARN }).resolves({ Policy: { Arn: ARN, Tags } });
    await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy' })).resolves.toMatchObject({ created: false, managed: false });
  });

  it('names the failure when the policy name is taken outside the managed path', async () => {
    iam.on(ListPoliciesCommand).resolves({ Policies: [], IsTruncated: false });
    iam.on(CreatePolicyCommand).rejects(new EntityAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy' })).rejects.toMatchObject({ name: 'SnsPolicyOutsideManagedPath' });
  });

  it('rejects a policy name IAM would refuse', async () => {
    await expect(ensureSnsPolicy({ policyName: 'x'.repeat(129) })).rejects.toMatchObject({ name: 'ValidationError', field: 'policyName' });
  });

  describe('smsPath eums (issue 18)', () => {
    afterEach(() => delete process.env.EUMS_SEND_POLICY_ARN);

    it("hands back the stack's sms-voice:SendTextMessage policy, not ours to create, tag or delete", async () => {
      process.env.EUMS_SEND_POLICY_ARN = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/cognito-sms-mfa-test-eums-send';
      await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy', smsPath: 'eums' })).resolves.toEqual({
        policyName: 'cognito-sms-mfa-test-eums-send',
        policyArn: 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/cognito-sms-mfa-test-eums-send',
        created: false,
        managed: false,
      });
      expect(iam.calls()).toHaveLength(0);
    });

    it('is refused by name on a stage deployed without smsPath=eums', async () => {
      await expect(ensureSnsPolicy({ policyName: 'Cognito-SNS-Policy', smsPath: 'eums' })).rejects.toMatchObject({
        name: 'EumsSmsPathNotDeployed',
      });
    });
  });
});
