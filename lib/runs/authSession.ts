import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runKey, runsTable } from './model';

/**
 * Cognito's challenge session is a credential: kept on the run record only until it is used. With
 * it, the name its challenge knows the user by (RunItem.challengeUsername), which the answer uses.
 */
export async function saveAuthSession(runId: string, session: string, challengeUsername?: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: challengeUsername === undefined ? 'SET #s = :s' : 'SET #s = :s, #u = :u',
      ExpressionAttributeNames: { '#s': 'authSession', ...(challengeUsername !== undefined && { '#u': 'challengeUsername' }) },
      ExpressionAttributeValues: { ':s': session, ...(challengeUsername !== undefined && { ':u': challengeUsername }) },
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
