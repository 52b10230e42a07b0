import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/clients';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { leaseKey, runsTable, waitKey } from '../../lib/runs/model';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

/**
 * Frees the phone, but only if the lease is still this run's (never another's). The run's wait is
 * closed (expired now, token and any unused code removed) rather than deleted, so a code arriving
 * late is told 410 Gone, not 404.
 */
export async function releaseLease(event: unknown): Promise<{ released: boolean }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
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
        Key: waitKey(run.phoneNumber),
        UpdateExpression: 'SET #expiresAt = :now REMOVE #taskToken, #code',
        ...ownedByRun,
        ExpressionAttributeNames: { ...ownedByRun.ExpressionAttributeNames, '#expiresAt': 'expiresAt', '#taskToken': 'taskToken', '#code': 'code' },
        ExpressionAttributeValues: { ...ownedByRun.ExpressionAttributeValues, ':now': Date.now() },
      }),
    )
    .catch(ignoreOthers);
  const released = await dynamo()
    .send(new DeleteCommand({ TableName: runsTable(), Key: leaseKey(run.phoneNumber), ...ownedByRun }))
    .then(() => true, ignoreOthers);
  return { released };
}

export const handler = taskHandler(releaseLease);
