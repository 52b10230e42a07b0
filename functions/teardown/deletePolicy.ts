import { DeletePolicyCommand, DeletePolicyVersionCommand, paginateListPolicyVersions } from '@aws-sdk/client-iam';
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
import { stackPolicyOnRole, stackSendPolicyArn } from '../../lib/teardown/stackPolicy';
import { asObject, requiredString } from '../../lib/validate';

const iamPath = envOnce('IAM_PATH');

/**
 * Deletes the SNS policy provisioning made, unless a pool still sends SMS through the role it was
 * made for. IAM refuses to delete a policy that still has non-default versions, so those go first;
 * one still attached elsewhere fails with DeleteConflict, and is kept: someone else uses it.
 */
export async function deletePolicy(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const policyName = requiredString(input, 'policyName', IAM_POLICY_NAME);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const { managed, why } = await ownership(targetName);
  // smsPath eums: the role has the stack's send policy, whichever name the input gives.
  const stackPolicy = stackPolicyOnRole(managed, roleName);
  if (stackPolicy && managed.policyArn === stackPolicy) return keptStackPolicy(stackPolicy);
  const policy = await findPolicyByName(policyName, iamPath());
  if (!policy?.Arn) return stackPolicy ? keptStackPolicy(stackPolicy) : goneOutput();
  if (policy.Arn === stackSendPolicyArn()) return keptStackPolicy(policy.Arn);
  if (managed.policyArn !== policy.Arn) return notManaged(policy.Arn, `policy ${policyName}: ${why}`);
  // The record alone may predate stage tags: the policy's own tags must say this stage made it.
  const tags = await policyTags(policy.Arn);
  if (!tags) return goneOutput();
  const notOurs = iamNotOursBecause(tags);
  if (notOurs) return notManaged(policy.Arn, `policy ${policyName} ${notOurs}`);
  if (managed.roleName === roleName) {
    const using = await poolsUsingRole(roleName);
    if (using.length) return stillInUse(policy.Arn, inUseReason(`its role ${roleName}`, using));
  }
  try {
    for await (const page of paginateListPolicyVersions({ client: iam() }, { PolicyArn: policy.Arn })) {
      for (const version of page.Versions ?? []) {
        if (version.IsDefaultVersion || !version.VersionId) continue;
        await iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: version.VersionId }));
      }
    }
    await iam().send(new DeletePolicyCommand({ PolicyArn: policy.Arn }));
  } catch (error) {
    if (isAwsError(error, 'DeleteConflict')) return stillInUse(policy.Arn, `policy ${policyName} is still attached elsewhere`);
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return goneOutput(policy.Arn);
  }
  return deletedOutput(policy.Arn);
}

/** CloudFormation made it and deletes it with the stack; deleting it here would break the stack's other pools on smsPath eums. */
const keptStackPolicy = (policyArn: string): DeleteOutput =>
  notManaged(policyArn, "the stack's End User Messaging send policy: CloudFormation owns it and deletes it with the stack");

export const handler = taskHandler(deletePolicy);
