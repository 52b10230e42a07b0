import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runKey, runsTable } from './model';

/**
 * Cognito's challenge session is a credential: kept on the run record only until it is used. With
 * it, the name its challenge knows the user by (RunItem.challengeUsername), which the answer uses,
 * and which challenge it is (RunItem.challengeName: SMS_MFA or SMS_OTP).
 */
export async function saveAuthSession(
  runId: string,
  session: string,
  challengeUsername?: string,
  challengeName?: 'SMS_MFA' | 'SMS_OTP',
): Promise<void> {
  // #s, #u, #c: the session, the challenge's user name and the challenge's name, each when known.
  const parts: [string, string, string][] = [['s', 'authSession', session]];
  if (challengeUsername !== undefined) parts.push(['u', 'challengeUsername', challengeUsername]);
  if (challengeName !== undefined) parts.push(['c', 'challengeName', challengeName]);
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: `SET ${parts.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(parts.map(([k, name]) => [`#${k}`, name])),
      ExpressionAttributeValues: Object.fromEntries(parts.map(([k, , value]) => [`:${k}`, value])),
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
