import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { codeHash } from './codeHash';
import { SHORT_RETENTION_SECONDS, ttlIn, waitKey, runsTable, type WaitItem, type WaitStep } from './model';

/**
 * Opens the wait *before* the Cognito call that sends the SMS, so a code that arrives before the
 * await task has stored its task token is kept, not refused (the await task then resumes at once).
 * The previous step's code hash is carried over so a duplicate delivery of it is recognised.
 */
export async function registerWait(phone: string, runId: string, step: WaitStep, timeoutSeconds: number): Promise<void> {
  const now = Date.now();
  const { Item: previous } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: waitKey(phone), ConsistentRead: true }));
  // A Lambda retry re-registers the same step: keep the hash carried the first time.
  const carried = previous?.runId === runId ? (previous.code ? codeHash(String(previous.code)) : previous.previousCodeHash) : undefined;
  const item: WaitItem = {
    ...waitKey(phone),
    runId,
    step,
    registeredAt: now,
    expiresAt: now + timeoutSeconds * 1000,
    previousCodeHash: carried,
    ttl: ttlIn(SHORT_RETENTION_SECONDS, now),
  };
  await dynamo().send(new PutCommand({ TableName: runsTable(), Item: item }));
}
