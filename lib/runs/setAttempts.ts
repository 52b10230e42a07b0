import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runKey, runsTable } from './model';

/**
 * Records on a check's first run that its attempt `attempts` starts now (issue 18): the re-run's
 * first state reads its input back from this record and accepts only this number, and the
 * failure and stopped-run paths, which know only the execution's name, find the attempt by it.
 */
export async function setAttempts(firstRunId: string, attempts: number): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(firstRunId),
      UpdateExpression: 'SET #attempts = :n',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#attempts': 'attempts', '#pk': 'pk' },
      ExpressionAttributeValues: { ':n': attempts },
    }),
  );
}
