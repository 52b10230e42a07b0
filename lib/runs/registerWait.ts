import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError, NamedError } from '../errors';
import { codeHash } from './codeHash';
import { SHORT_RETENTION_SECONDS, ttlIn, waitKey, runsTable, type WaitItem, type WaitStep, type WaitUser } from './model';

/**
 * Opens the wait *before* the Cognito call that sends the SMS, so a code that arrives before the
 * await task has stored its task token is kept, not refused (the await task then resumes at once).
 * The last code answered on this phone (the previous step's, or the previous run's) is carried
 * over as a hash, so a late duplicate of it is refused instead of answering this step.
 * Only this run, or nobody, may own the wait: a run whose lease ran out cannot take over the
 * wait of the run that holds the phone now.
 * `user` is the Cognito user the run's call sends the code to (none for the SANDBOX wait): the
 * Custom SMS Sender gives a wait only that user's codes, whatever kind of check made the user.
 */
export async function registerWait(phone: string, runId: string, step: WaitStep, timeoutSeconds: number, user?: WaitUser): Promise<void> {
  const now = Date.now();
  const { Item: previous } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: waitKey(phone), ConsistentRead: true }));
  // A Lambda retry re-registers the same step, which has no code yet: keep the hash it carried.
  const carried = !previous
    ? undefined
    : ((previous.codeHash as string | undefined) ??
      (previous.code ? codeHash(String(previous.code)) : (previous.previousCodeHash as string | undefined)));
  const item: WaitItem = {
    ...waitKey(phone),
    runId,
    step,
    registeredAt: now,
    expiresAt: now + timeoutSeconds * 1000,
    previousCodeHash: carried,
    ...(user && { userPoolId: user.userPoolId, username: user.username }),
    ttl: ttlIn(SHORT_RETENTION_SECONDS, now),
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk) OR #runId = :run OR #expiresAt < :now',
        ExpressionAttributeNames: { '#pk': 'pk', '#runId': 'runId', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':run': runId, ':now': now },
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) {
      throw new NamedError(
        'PhoneBusy',
        `Run ${runId} no longer holds its phone (its lease ran out): another run is waiting for a code on it`,
      );
    }
    throw error;
  }
}
