import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { describeUserPool } from '../../lib/cognito/describeUserPool';
import { findUserPoolByName } from '../../lib/cognito/findUserPoolByName';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { notOursBecause } from '../../lib/managedBy';
import { TARGET_NAME, USER_POOL_NAME } from '../../lib/names';
import { deletedOutput, goneOutput, notManaged, type DeleteOutput } from '../../lib/teardown/outcome';
import { ownership } from '../../lib/teardown/ownership';
import { asObject, requiredString } from '../../lib/validate';

/**
 * Deletes the pool only when it is this stage's provisioning's twice over: it carries the
 * `managed-by` tag and `stage` = STAGE (names are the same on every stage), and the target's record names its id. The tag alone is not enough (anyone may copy a tag); the record
 * alone is not either (an id could be recorded for a pool someone else made). IAM's tag condition
 * says the same again on AWS, but the local cloud does not enforce IAM.
 */
export async function deleteUserPool(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const userPoolName = requiredString(input, 'userPoolName', USER_POOL_NAME);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const userPoolId = await findUserPoolByName(userPoolName);
  if (!userPoolId) return goneOutput();
  const pool = await describeUserPool(userPoolId);
  if (!pool) return goneOutput(userPoolId);
  const notOurs = notOursBecause(pool.UserPoolTags);
  if (notOurs) return notManaged(userPoolId, `user pool ${userPoolName} ${notOurs}`);
  const { managed, why } = await ownership(targetName);
  if (managed.userPoolId !== userPoolId) return notManaged(userPoolId, `user pool ${userPoolName}: ${why}`);
  try {
    await cognito().send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    return goneOutput(userPoolId);
  }
  return deletedOutput(userPoolId);
}

export const handler = taskHandler(deleteUserPool);
