import { DeleteRoleCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { IAM_ROLE_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import type { DeleteOutput } from './deleteUserPoolClient';

/**
 * A role that still has other policies attached fails with DeleteConflict: we detach only the
 * policy we created, never someone else's.
 */
export async function deleteRole(event: unknown): Promise<DeleteOutput> {
  const roleName = requiredString(asObject(event), 'roleName', IAM_ROLE_NAME);
  try {
    await iam().send(new DeleteRoleCommand({ RoleName: roleName }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return { deleted: false };
  }
  return { deleted: true, id: roleName };
}

export const handler = taskHandler(deleteRole);
