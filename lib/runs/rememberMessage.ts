import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { runsTable, seenKey, SEEN_RETENTION_SECONDS, ttlIn } from './model';

/**
 * Records a received message by its sender's id. Returns false when it was seen before (a
 * duplicate delivery or a replay), true the first time. Conditional put: two concurrent
 * deliveries of one message cannot both be first.
 */
export async function rememberMessage(route: string, messageId: string, now = Date.now()): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: { ...seenKey(route, messageId), seenAt: now, ttl: ttlIn(SEEN_RETENTION_SECONDS, now) },
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

/**
 * Forgets a message whose handling failed for a transient reason, so the sender's retry is
 * handled instead of being taken for a duplicate.
 */
export async function forgetMessage(route: string, messageId: string): Promise<void> {
  await dynamo().send(new DeleteCommand({ TableName: runsTable(), Key: seenKey(route, messageId) }));
}
