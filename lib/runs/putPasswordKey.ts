import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { passwordKeyKey, runsTable } from './model';

/**
 * Stores a new password key unless one exists. Returns false when another Lambda stored one first:
 * the caller reads that one, so every function derives the same passwords.
 */
export async function putPasswordKey(key: string, now = Date.now()): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: { ...passwordKeyKey, key, createdAt: new Date(now).toISOString() },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      }),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
}
