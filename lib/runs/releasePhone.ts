import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { leaseKey, runsTable, waitKey } from './model';

/**
 * Frees a run's phone, but only if the lease is still the run's (never another's). The wait is
 * closed (expired now, token and any unused code removed) rather than deleted, so a code arriving
 * late is told 410 Gone, not 404. Returns whether this run's lease was released.
 *
 * `holdSeconds`: a run that failed may still have an SMS on its way (the real code after a wrong
 * one won, a code that missed its wait). Codes are matched by phone, so that SMS would answer the
 * next run's wait on the phone. The lease is therefore kept that long, not deleted: the next run
 * waits its turn (PhoneBusy) and the late SMS meets this run's closed wait (WaitExpired).
 */
export async function releasePhone(phone: string, runId: string, { holdSeconds = 0 }: { holdSeconds?: number } = {}): Promise<boolean> {
  const ownedByRun = {
    ConditionExpression: '#runId = :run',
    ExpressionAttributeNames: { '#runId': 'runId' },
    ExpressionAttributeValues: { ':run': runId },
  };
  const ignoreOthers = (error: unknown) => {
    if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
    return false;
  };
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: waitKey(phone),
        UpdateExpression: 'SET #expiresAt = :now REMOVE #taskToken, #code',
        ...ownedByRun,
        ExpressionAttributeNames: {
          ...ownedByRun.ExpressionAttributeNames,
          '#expiresAt': 'expiresAt',
          '#taskToken': 'taskToken',
          '#code': 'code',
        },
        ExpressionAttributeValues: { ...ownedByRun.ExpressionAttributeValues, ':now': Date.now() },
      }),
    )
    .catch(ignoreOthers);
  if (holdSeconds > 0) {
    return dynamo()
      .send(
        new UpdateCommand({
          TableName: runsTable(),
          Key: leaseKey(phone),
          UpdateExpression: 'SET #expiresAt = :until',
          ...ownedByRun,
          ExpressionAttributeNames: { ...ownedByRun.ExpressionAttributeNames, '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ...ownedByRun.ExpressionAttributeValues, ':until': Date.now() + holdSeconds * 1000 },
        }),
      )
      .then(() => true, ignoreOthers);
  }
  return dynamo()
    .send(new DeleteCommand({ TableName: runsTable(), Key: leaseKey(phone), ...ownedByRun }))
    .then(() => true, ignoreOthers);
}
