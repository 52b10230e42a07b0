import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError, NamedError } from '../errors';
import { runsTable, waitKey, type WaitItem, type WaitStep } from './model';

/**
 * Puts the await task's token on the wait that the SMS-sending step opened. Returns the item as
 * it is after the update: if the code already arrived, the caller resumes the execution itself.
 */
export async function attachTaskToken(phone: string, runId: string, step: WaitStep, taskToken: string): Promise<WaitItem> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: waitKey(phone),
        UpdateExpression: 'SET #taskToken = :token',
        ConditionExpression: '#runId = :run AND #step = :step',
        ExpressionAttributeNames: { '#taskToken': 'taskToken', '#runId': 'runId', '#step': 'step' },
        ExpressionAttributeValues: { ':token': taskToken, ':run': runId, ':step': step },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as WaitItem;
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailed')) {
      throw new NamedError('WaitNotRegistered', `Run ${runId} has no open ${step} wait on its phone`);
    }
    throw error;
  }
}
