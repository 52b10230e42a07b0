import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { NamedError } from '../errors';
import { runKey, runsTable, type RunItem } from './model';

export async function getRun(runId: string): Promise<RunItem> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: runKey(runId), ConsistentRead: true }));
  if (!Item) throw new NamedError('RunNotFound', `No run record for run ${runId}: it was not prepared, or it expired`);
  return Item as RunItem;
}
