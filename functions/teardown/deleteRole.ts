import { DeleteRoleCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { roleTags } from '../../lib/iam/roleTags';
import { iamNotOursBecause } from '../../lib/managedBy';
import { IAM_ROLE_NAME, TARGET_NAME } from '../../lib/names';
import { deletedOutput, goneOutput, notManaged, stillInUse, type DeleteOutput } from '../../lib/teardown/outcome';
import { ownership } from '../../lib/teardown/ownership';
import { inUseReason, poolsUsingRole } from '../../lib/teardown/poolsUsingRole';
import { asObject, requiredString } from '../../lib/validate';

/**
 * Deletes the SMS role this stage's provisioning made (recorded, and tagged with this stage), unless a pool (any pool, made by anyone) still names it
 * in its SMS configuration. A role that still has other policies attached fails with
 * DeleteConflict and is kept: we detach only the policy we created, never someone else's.
 */
export async function deleteRole(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const { managed, why } = await ownership(targetName);
  if (managed.roleName !== roleName) return notManaged(roleName, `role ${roleName}: ${why}`);
  // The record may predate stage tags (or have claimed another stage's role by its managed-by tag
  // alone): the role's own tags must say this stage made it, too.
  const tags = await roleTags(roleName);
  if (!tags) return goneOutput();
  const notOurs = iamNotOursBecause(tags);
  if (notOurs) return notManaged(roleName, `role ${roleName} ${notOurs}`);
  const using = await poolsUsingRole(roleName);
  if (using.length) return stillInUse(roleName, inUseReason(`role ${roleName}`, using));
  try {
    await iam().send(new DeleteRoleCommand({ RoleName: roleName }));
  } catch (error) {
    if (isAwsError(error, 'DeleteConflict')) return stillInUse(roleName, `role ${roleName} still has other policies attached`);
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return goneOutput();
  }
  return deletedOutput(roleName);
}

export const handler = taskHandler(deleteRole);
