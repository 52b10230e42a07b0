import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError, NamedError } from '../errors';
import { maskPhone } from '../phone';
import { leaseKey, runsTable, ttlIn } from './model';

/**
 * One holder per phone number at a time (a run, or the sandbox verification), or two could each
 * take the other's SMS code. The lease expires by itself if its holder dies without releasing it
 * (releasePhone); a busy phone fails with PhoneBusy. A lease reserved for this holder (a re-run of
 * a failed attempt, reserveLease) is its to take once the failed attempt's hold has ended. Returns the
 * lease's expiry (epoch ms).
 */
export async function takeLease(phone: string, holder: string, seconds: number, now = Date.now()): Promise<number> {
  const expiresAt = now + seconds * 1000;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: { ...leaseKey(phone), runId: holder, expiresAt, ttl: ttlIn(seconds + 3600, now) },
        ConditionExpression:
          'attribute_not_exists(#pk) OR #expiresAt < :now OR #runId = :run OR (#nextHolder = :run AND #holdUntil < :now)',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#expiresAt': 'expiresAt',
          '#runId': 'runId',
          '#nextHolder': 'nextHolder',
          '#holdUntil': 'holdUntil',
        },
        ExpressionAttributeValues: { ':now': now, ':run': holder },
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed'))
      throw new NamedError('PhoneBusy', `Another run holds the lease on ${maskPhone(phone)}`);
    throw error;
  }
  return expiresAt;
}
