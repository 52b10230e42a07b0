import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { findPolicyByName } from '../../lib/iam/findPolicyByName';
import { policyTags } from '../../lib/iam/policyTags';
import { iamNotOursBecause } from '../../lib/managedBy';
import { IAM_POLICY_NAME, IAM_ROLE_NAME, TARGET_NAME } from '../../lib/names';
import { deletedOutput, goneOutput, notManaged, stillInUse, type DeleteOutput } from '../../lib/teardown/outcome';
import { ownership } from '../../lib/teardown/ownership';
import { inUseReason, poolsUsingRole } from '../../lib/teardown/poolsUsingRole';
import { asObject, requiredString } from '../../lib/validate';

const iamPath = envOnce('IAM_PATH');

/**
 * Detaches the SNS policy only from provisioning's own role, and only while no pool still sends
 * SMS through that role (detaching would stop that pool's SMS). Detached "already" when the role,
 * the policy or the attachment is gone.
 */
export async function detachRolePolicy(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyName = requiredString(input, 'policyName', IAM_POLICY_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const policy = await findPolicyByName(policyName, iamPath());
  if (!policy?.Arn) return goneOutput();
  const { managed, why } = await ownership(targetName);
  if (managed.roleName !== roleName || managed.policyArn !== policy.Arn) {
    return notManaged(policy.Arn, `policy ${policyName} on role ${roleName}: ${why}`);
  }
  // The record alone may predate stage tags: the policy's own tags must say this stage made it.
  const tags = await policyTags(policy.Arn);
  if (!tags) return goneOutput();
  const notOurs = iamNotOursBecause(tags);
  if (notOurs) return notManaged(policy.Arn, `policy ${policyName} ${notOurs}`);
  const using = await poolsUsingRole(roleName);
  if (using.length) return stillInUse(policy.Arn, inUseReason(`role ${roleName}`, using));
  try {
    await iam().send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.Arn }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return goneOutput(policy.Arn);
  }
  return deletedOutput(policy.Arn);
}

export const handler = taskHandler(detachRolePolicy);
