import { GetRoleCommand, type Tag } from '@aws-sdk/client-iam';
import { iam } from '../clients';
import { isAwsError } from '../errors';

/** A role's tags (GetRole returns them), or undefined when the role does not exist. */
export async function roleTags(roleName: string): Promise<Tag[] | undefined> {
  try {
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: roleName }));
    return Role?.Tags ?? [];
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return undefined;
    throw error;
  }
}
