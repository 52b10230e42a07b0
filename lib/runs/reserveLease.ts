import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { leaseKey, runsTable } from './model';

/**
 * A failed attempt that a re-run follows keeps its phone for that re-run (issue 18). Without it,
 * the next scheduled check, waiting for the phone, takes it when the failed attempt's hold ends, and
 * in a carrier outage the attempts of two or three checks interleave: each check's last attempt then
 * lands after the outage and passes, and the outage never pages (the simulation showed one such).
 * The hold stays as it was (`holdUntil`, a late SMS of the failed attempt still meets its closed
 * wait); `nextHolder` may take the lease once it ends, others only `prioritySeconds` later.
 * Returns whether the lease was still the failed attempt's to pass on.
 */
export async function reserveLease(phone: string, failedRunId: string, nextRunId: string, prioritySeconds: number): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: leaseKey(phone),
        // Every action reads the item as it was before the update ("Using update expressions in
        // DynamoDB"): holdUntil gets the hold's end, expiresAt that plus the re-run's priority.
        UpdateExpression: 'SET #nextHolder = :next, #holdUntil = #expiresAt, #expiresAt = #expiresAt + :priority',
        ConditionExpression: '#runId = :failed',
        ExpressionAttributeNames: { '#nextHolder': 'nextHolder', '#holdUntil': 'holdUntil', '#expiresAt': 'expiresAt', '#runId': 'runId' },
        ExpressionAttributeValues: { ':next': nextRunId, ':failed': failedRunId, ':priority': prioritySeconds * 1000 },
      }),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
}
