import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { findUserPoolByName } from '../../lib/cognito/findUserPoolByName';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { USER_POOL_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import type { DeleteOutput } from './deleteUserPoolClient';

export async function deleteUserPool(event: unknown): Promise<DeleteOutput> {
  const userPoolName = requiredString(asObject(event), 'userPoolName', USER_POOL_NAME);
  const userPoolId = await findUserPoolByName(userPoolName);
  if (!userPoolId) return { deleted: false };
  try {
    await cognito().send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    return { deleted: false, id: userPoolId };
  }
  return { deleted: true, id: userPoolId };
}

export const handler = taskHandler(deleteUserPool);
