import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { leaseKey, runsTable, waitKey } from './model';

/**
 * Frees a run's phone, but only if the lease is still the run's (never another's). The wait is
 * closed (expired now, token and any unused code removed) rather than deleted, so a code arriving
 * late is told 410 Gone, not 404. Returns whether this run's lease was released.
 */
export async function releasePhone(phone: string, runId: string): Promise<boolean> {
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
        ExpressionAttributeNames: { ...ownedByRun.ExpressionAttributeNames, '#expiresAt': 'expiresAt', '#taskToken': 'taskToken', '#code': 'code' },
        ExpressionAttributeValues: { ...ownedByRun.ExpressionAttributeValues, ':now': Date.now() },
      }),
    )
    .catch(ignoreOthers);
  return dynamo()
    .send(new DeleteCommand({ TableName: runsTable(), Key: leaseKey(phone), ...ownedByRun }))
    .then(() => true, ignoreOthers);
}
