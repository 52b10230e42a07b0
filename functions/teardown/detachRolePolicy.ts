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
import { ownership, type Ownership } from '../../lib/teardown/ownership';
import { inUseReason, poolsUsingRole } from '../../lib/teardown/poolsUsingRole';
import { stackPolicyOnRole } from '../../lib/teardown/stackPolicy';
import { asObject, requiredString } from '../../lib/validate';

const iamPath = envOnce('IAM_PATH');

/**
 * Detaches the SNS policy only from provisioning's own role, and only while no pool still sends
 * SMS through that role (detaching would stop that pool's SMS). Detached "already" when the role,
 * the policy or the attachment is gone. A target provisioned with smsPath eums has the stack's own
 * send policy on its role instead, under another name than the input's policyName: that one is
 * detached by the ARN the stack gives, or deleteRole could never delete the role.
 */
export async function detachRolePolicy(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyName = requiredString(input, 'policyName', IAM_POLICY_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const owned = await ownership(targetName);
  const stackPolicy = stackPolicyOnRole(owned.managed, roleName);
  if (stackPolicy && owned.managed.policyArn === stackPolicy) return detachStackPolicy(roleName, stackPolicy, owned);
  const policy = await findPolicyByName(policyName, iamPath());
  if (!policy?.Arn) return stackPolicy ? detachStackPolicy(roleName, stackPolicy, owned) : goneOutput();
  const { managed, why } = owned;
  if (managed.roleName !== roleName || managed.policyArn !== policy.Arn) {
    return notManaged(policy.Arn, `policy ${policyName} on role ${roleName}: ${why}`);
  }
  // The record alone may predate stage tags: the policy's own tags must say this stage made it.
  const tags = await policyTags(policy.Arn);
  if (!tags) return goneOutput();
  const notOurs = iamNotOursBecause(tags);
  if (notOurs) return notManaged(policy.Arn, `policy ${policyName} ${notOurs}`);
  return detachFromUnusedRole(roleName, policy.Arn);
}

/**
 * The stack's policy carries no stage tags to check (CloudFormation made it, for this stage by
 * definition): the record naming the role is what makes the attachment provisioning's.
 */
async function detachStackPolicy(roleName: string, policyArn: string, { managed, why }: Ownership): Promise<DeleteOutput> {
  if (managed.roleName !== roleName) return notManaged(policyArn, `the stack's End User Messaging policy on role ${roleName}: ${why}`);
  return detachFromUnusedRole(roleName, policyArn);
}

async function detachFromUnusedRole(roleName: string, policyArn: string): Promise<DeleteOutput> {
  const using = await poolsUsingRole(roleName);
  if (using.length) return stillInUse(policyArn, inUseReason(`role ${roleName}`, using));
  try {
    await iam().send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return goneOutput(policyArn);
  }
  return deletedOutput(policyArn);
}

export const handler = taskHandler(detachRolePolicy);
