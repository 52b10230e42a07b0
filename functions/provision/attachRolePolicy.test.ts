import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AttachRolePolicyCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { attachRolePolicy } from './attachRolePolicy';

const iam = mockClient(IAMClient);
const ARN = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
beforeEach(() => iam.reset());

describe('attachRolePolicy', () => {
  it('attaches the policy to our role (a repeat attach is a no-op in IAM, so a re-run is safe)', async () => {
    iam.on(AttachRolePolicyCommand).resolves({});
    await attachRolePolicy({ roleName: 'MyUserPool-SMS-Role', policyArn: ARN, roleManaged: true });
    await expect(attachRolePolicy({ roleName: 'MyUserPool-SMS-Role', policyArn: ARN, roleManaged: true })).resolves.toEqual({
      roleName: 'MyUserPool-SMS-Role',
      policyArn: ARN,
      attached: true,
    });
    expect(iam).toHaveReceivedCommandWith(AttachRolePolicyCommand, { RoleName: 'MyUserPool-SMS-Role', PolicyArn: ARN });
  });

  it('never changes a role that is not ours: no IAM call, kept NotManaged with the reason and what to do', async () => {
    const out = await attachRolePolicy({ roleName: 'TheirRole', policyArn: ARN, roleManaged: false });
    expect(out).toEqual({
      roleName: 'TheirRole',
      policyArn: ARN,
      attached: false,
      kept: 'NotManaged',
      reason: expect.stringMatching(/TheirRole was found by name.*not changed.*sns:Publish.*target show/),
    });
    expect(iam.calls()).toHaveLength(0);
  });

  it('refuses an input that does not say whose role it is, rather than attaching', async () => {
    await expect(attachRolePolicy({ roleName: 'r', policyArn: ARN })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'roleManaged',
    });
    expect(iam.calls()).toHaveLength(0);
  });

  it('lets NoSuchEntity through with its name', async () => {
    iam.on(AttachRolePolicyCommand).rejects(new NoSuchEntityException({ message: 'The role cannot be found', $metadata: {} }));
    await expect(attachRolePolicy({ roleName: 'r', policyArn: ARN, roleManaged: true })).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });

  it('rejects something that is not a policy ARN', async () => {
    await expect(attachRolePolicy({ roleName: 'r', policyArn: 'Cognito-SNS-Policy', roleManaged: true })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'policyArn',
    });
  });
});
