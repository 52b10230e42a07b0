import { DeleteUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { describeUserPool } from '../../lib/cognito/describeUserPool';
import { findUserPoolByName } from '../../lib/cognito/findUserPoolByName';
import { findUserPoolClientByName } from '../../lib/cognito/findUserPoolClientByName';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { notOursBecause } from '../../lib/managedBy';
import { CLIENT_NAME, TARGET_NAME, USER_POOL_NAME } from '../../lib/names';
import { deletedOutput, goneOutput, notManaged, type DeleteOutput } from '../../lib/teardown/outcome';
import { ownership } from '../../lib/teardown/ownership';
import { asObject, requiredString } from '../../lib/validate';

/**
 * Deletes the app client only when the target's record names it as made by provisioning, in a
 * pool provisioning made (recorded, and tagged). Re-runnable: a client (or pool) that is already gone counts as done.
 */
export async function deleteUserPoolClient(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const userPoolName = requiredString(input, 'userPoolName', USER_POOL_NAME);
  const clientName = requiredString(input, 'clientName', CLIENT_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const userPoolId = await findUserPoolByName(userPoolName);
  if (!userPoolId) return goneOutput();
  const clientId = await findUserPoolClientByName(userPoolId, clientName);
  if (!clientId) return goneOutput();
  const { managed, why } = await ownership(targetName);
  if (managed.clientId !== clientId) return notManaged(clientId, `app client ${clientName} of pool ${userPoolId}: ${why}`);
  // A client provisioning made in a pool it found (someone else's) stays: IAM lets teardown delete
  // clients only in pools carrying the managed-by tag, and this check says so on the local cloud too.
  const pool = await describeUserPool(userPoolId);
  if (!pool) return goneOutput();
  if (managed.userPoolId !== userPoolId || notOursBecause(pool.UserPoolTags)) {
    return notManaged(
      clientId,
      `app client ${clientName} was made by provisioning, but in pool ${userPoolId}, which this stage did not make: ` +
        `teardown deletes clients only in its own pools; delete it with "aws cognito-idp delete-user-pool-client"`,
    );
  }
  try {
    await cognito().send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    return goneOutput(clientId);
  }
  return deletedOutput(clientId);
}

export const handler = taskHandler(deleteUserPoolClient);
