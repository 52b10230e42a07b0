import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { awsErrorName, isAwsError } from '../errors';
import { logger } from '../logger';
import { runsTable, seenKey, seenRetentionSeconds, ttlIn } from './model';

/**
 * How long a message stays "being handled" before a retry may take it over: longer than the
 * receivers' 10 s Lambda timeout, shorter than Lambda's first asynchronous retry (about a minute).
 * A receiver that died mid-way (timeout, crash) thus never turns its own retry into a Duplicate.
 */
export const IN_PROGRESS_SECONDS = 30;

/**
 * Claims a received message by its sender's id. Returns false when it was handled before, or is
 * being handled now (a duplicate delivery or a replay); true the first time, and when an earlier
 * attempt died without finishing. Conditional put: two concurrent deliveries cannot both win.
 */
export async function rememberMessage(route: string, messageId: string, now = Date.now()): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: {
          ...seenKey(route, messageId),
          state: 'IN_PROGRESS',
          claimedUntil: now + IN_PROGRESS_SECONDS * 1000,
          seenAt: now,
          ttl: ttlIn(seenRetentionSeconds(route), now),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR (#state = :inProgress AND #claimedUntil < :now)',
        ExpressionAttributeNames: { '#pk': 'pk', '#state': 'state', '#claimedUntil': 'claimedUntil' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
}

/** The message was handled to the end: repeats of it are duplicates from now on, as long as the item lives. */
export async function markMessageDone(route: string, messageId: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: seenKey(route, messageId),
      UpdateExpression: 'SET #state = :done REMOVE #claimedUntil',
      ExpressionAttributeNames: { '#state': 'state', '#claimedUntil': 'claimedUntil' },
      ExpressionAttributeValues: { ':done': 'DONE' },
    }),
  );
}

/**
 * Forgets a message whose handling failed for a transient reason, so the sender's retry is
 * handled instead of being taken for a duplicate.
 */
export async function forgetMessage(route: string, messageId: string): Promise<void> {
  await dynamo().send(new DeleteCommand({ TableName: runsTable(), Key: seenKey(route, messageId) }));
}

/**
 * Handles a message at most once to the end: `work` runs only if the message is new (or an
 * earlier attempt died); when it throws (a transient failure), the claim is dropped so that the
 * retry is handled, and the error goes on. Returns undefined for a duplicate.
 */
export async function handleOnce<T>(route: string, messageId: string, work: () => Promise<T>): Promise<{ result: T } | undefined> {
  if (!(await rememberMessage(route, messageId))) return undefined;
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await forgetMessage(route, messageId).catch((forgetError: unknown) =>
      // The claim expires by itself (IN_PROGRESS_SECONDS): the retry after that is still handled.
      logger.warn('could not drop the claim on a message; its retry waits for the claim to expire', {
        route,
        messageId,
        errorName: awsErrorName(forgetError),
      }),
    );
    throw error;
  }
  // Done is best effort: a claim left IN_PROGRESS still refuses repeats until it expires.
  await markMessageDone(route, messageId).catch((error: unknown) =>
    logger.warn('could not mark a message handled', { route, messageId, errorName: awsErrorName(error) }),
  );
  return { result };
}
