import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { NamedError, isAwsError } from '../errors';
import { runsTable, waitKey, type WaitItem, type WaitStep } from './model';

/**
 * The code the callback stored for this run's step, taken off the wait item as it is read, so no
 * used code stays at rest. Its hash stays (set by the callback), and the item is marked consumed,
 * so a duplicate callback still gets 409.
 */
export async function takeCode(phone: string, runId: string, step: WaitStep): Promise<{ code: string; wait: WaitItem }> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: waitKey(phone),
        UpdateExpression: 'SET #consumedAt = :now REMOVE #code',
        ConditionExpression: '#runId = :run AND #step = :step AND #answered = :yes AND attribute_exists(#code)',
        ExpressionAttributeNames: {
          '#consumedAt': 'consumedAt',
          '#runId': 'runId',
          '#step': 'step',
          '#answered': 'answered',
          '#code': 'code',
        },
        ExpressionAttributeValues: { ':now': Date.now(), ':run': runId, ':step': step, ':yes': true },
        // The item as it was: the only read of the code, in the same request that removes it.
        ReturnValues: 'ALL_OLD',
      }),
    );
    const wait = Attributes as WaitItem;
    return { code: String(wait.code), wait };
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) {
      throw new NamedError('SmsCodeNotReceived', `No ${step} code was delivered for run ${runId}`);
    }
    throw error;
  }
}
