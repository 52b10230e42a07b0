import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { findPolicyByName } from '../../lib/iam/findPolicyByName';
import { IAM_POLICY_NAME, IAM_ROLE_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import type { DeleteOutput } from './deleteUserPoolClient';

const iamPath = envOnce('IAM_PATH');

/** Detached "already" when the role, the policy or the attachment is gone. */
export async function detachRolePolicy(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyName = requiredString(input, 'policyName', IAM_POLICY_NAME);
  const policy = await findPolicyByName(policyName, iamPath());
  if (!policy?.Arn) return { deleted: false };
  try {
    await iam().send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.Arn }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return { deleted: false, id: policy.Arn };
  }
  return { deleted: true, id: policy.Arn };
}

export const handler = taskHandler(detachRolePolicy);
