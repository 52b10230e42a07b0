import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { runsTable, ttlIn } from '../runs/model';
import { messageRunKey } from './deliveryEventsRunOf';

/** AWS sends a carrier's final event within 72 hours (else UNKNOWN): the link outlives that, with a day to spare. */
export const MESSAGE_RUN_RETENTION_SECONDS = 4 * 24 * 3600;

/**
 * Links a message to the run whose wait it met. The first link wins (conditional put): a repeated
 * or later event never moves a message to another run.
 */
export async function linkMessageToRun(messageId: string, runId: string, now = Date.now()): Promise<void> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: { ...messageRunKey(messageId), runId, linkedAt: now, ttl: ttlIn(MESSAGE_RUN_RETENTION_SECONDS, now) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      }),
    );
  } catch (error) {
    if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
  }
}
