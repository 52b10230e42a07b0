import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/clients';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { getRun } from '../../lib/runs/getRun';
import { leaseKey, runsTable, waitKey } from '../../lib/runs/model';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

/** Frees the phone and closes its wait, but only if they are still this run's (never another's). */
export async function releaseLease(event: unknown): Promise<{ released: boolean }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  let released = false;
  for (const key of [waitKey(run.phoneNumber), leaseKey(run.phoneNumber)]) {
    try {
      await dynamo().send(
        new DeleteCommand({
          TableName: runsTable(),
          Key: key,
          ConditionExpression: '#runId = :run',
          ExpressionAttributeNames: { '#runId': 'runId' },
          ExpressionAttributeValues: { ':run': runId },
        }),
      );
      if (key.pk.startsWith('LEASE#')) released = true;
    } catch (error) {
      if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
    }
  }
  return { released };
}

export const handler = taskHandler(releaseLease);
