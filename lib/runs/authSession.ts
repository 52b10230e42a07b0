import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runKey, runsTable } from './model';

/** Cognito's challenge session is a credential: kept on the run record only until it is used. */
export async function saveAuthSession(runId: string, session: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'authSession' },
      ExpressionAttributeValues: { ':s': session },
    }),
  );
}

export async function clearAuthSession(runId: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: 'REMOVE #s',
      ExpressionAttributeNames: { '#s': 'authSession' },
    }),
  );
}
