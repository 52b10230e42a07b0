import { DeleteUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { findUserPoolByName } from '../../lib/cognito/findUserPoolByName';
import { findUserPoolClientByName } from '../../lib/cognito/findUserPoolClientByName';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { CLIENT_NAME, USER_POOL_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';

export interface DeleteOutput {
  deleted: boolean;
  id?: string;
}

/** Teardown is re-runnable: a client (or pool) that is already gone counts as deleted. */
export async function deleteUserPoolClient(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const userPoolName = requiredString(input, 'userPoolName', USER_POOL_NAME);
  const clientName = requiredString(input, 'clientName', CLIENT_NAME);
  const userPoolId = await findUserPoolByName(userPoolName);
  if (!userPoolId) return { deleted: false };
  const clientId = await findUserPoolClientByName(userPoolId, clientName);
  if (!clientId) return { deleted: false };
  try {
    await cognito().send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    return { deleted: false, id: clientId };
  }
  return { deleted: true, id: clientId };
}

export const handler = taskHandler(deleteUserPoolClient);
