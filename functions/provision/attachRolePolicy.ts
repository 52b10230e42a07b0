import { AttachRolePolicyCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { taskHandler } from '../../lib/handler';
import { IAM_ROLE_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import { POLICY_ARN } from '../../lib/iam/arns';

/** AttachRolePolicy is idempotent in IAM: attaching twice changes nothing and does not fail. */
export async function attachRolePolicy(event: unknown): Promise<{ roleName: string; policyArn: string }> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyArn = requiredString(input, 'policyArn', POLICY_ARN);
  await iam().send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  return { roleName, policyArn };
}

export const handler = taskHandler(attachRolePolicy);
