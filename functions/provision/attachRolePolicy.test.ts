import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AttachRolePolicyCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { attachRolePolicy } from './attachRolePolicy';

const iam = mockClient(IAMClient);
const ARN = 'arn:aws:iam::123456789012:policy/cognito-sms-mfa/Cognito-SNS-Policy';
beforeEach(() => iam.reset());

describe('attachRolePolicy', () => {
  it('attaches the policy (a repeat attach is a no-op in IAM, so a re-run is safe)', async () => {
    iam.on(AttachRolePolicyCommand).resolves({});
    await attachRolePolicy({ roleName: 'MyUserPool-SMS-Role', policyArn: ARN });
    await attachRolePolicy({ roleName: 'MyUserPool-SMS-Role', policyArn: ARN });
    expect(iam).toHaveReceivedCommandWith(AttachRolePolicyCommand, { RoleName: 'MyUserPool-SMS-Role', PolicyArn: ARN });
  });

  it('lets NoSuchEntity through with its name', async () => {
    iam.on(AttachRolePolicyCommand).rejects(new NoSuchEntityException({ message: 'The role cannot be found', $metadata: {} }));
    await expect(attachRolePolicy({ roleName: 'r', policyArn: ARN })).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('rejects something that is not a policy ARN', async () => {
    await expect(attachRolePolicy({ roleName: 'r', policyArn: 'Cognito-SNS-Policy' })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'policyArn',
    });
  });
});
