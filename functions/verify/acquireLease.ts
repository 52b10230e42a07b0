import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/clients';
import { isAwsError, NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { maskPhone } from '../../lib/phone';
import { getRun } from '../../lib/runs/getRun';
import { leaseKey, runsTable, ttlIn } from '../../lib/runs/model';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

/** Slack beyond both code waits, for the Cognito calls and cleanup around them. */
const LEASE_MARGIN_SECONDS = 120;

/**
 * One run per phone number at a time, or two runs could each take the other's SMS code. The lease
 * expires by itself if a run dies without releasing it; a busy phone fails with PhoneBusy, which
 * the state machine retries with backoff (the run waits its turn).
 */
export async function acquireLease(event: unknown): Promise<{ leasedUntil: string }> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  const now = Date.now();
  const seconds = run.timeouts.signUpCodeSeconds + run.timeouts.mfaCodeSeconds + LEASE_MARGIN_SECONDS;
  const expiresAt = now + seconds * 1000;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: runsTable(),
        Item: { ...leaseKey(run.phoneNumber), runId, expiresAt, ttl: ttlIn(seconds + 3600, now) },
        ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now OR #runId = :run',
        ExpressionAttributeNames: { '#pk': 'pk', '#expiresAt': 'expiresAt', '#runId': 'runId' },
        ExpressionAttributeValues: { ':now': now, ':run': runId },
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) {
      throw new NamedError('PhoneBusy', `Another run holds the lease on ${maskPhone(run.phoneNumber)}`);
    }
    throw error;
  }
  return { leasedUntil: new Date(expiresAt).toISOString() };
}

export const handler = taskHandler(acquireLease);
