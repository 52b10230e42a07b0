import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { RUN_RETENTION_SECONDS, runKey, runsTable, ttlIn, type RunItem } from './model';

/** Creates (or, on a Lambda retry of the same run, rewrites) the run record. */
export async function putRun(item: Omit<RunItem, 'pk' | 'ttl'>): Promise<void> {
  await dynamo().send(
    new PutCommand({ TableName: runsTable(), Item: { ...runKey(item.runId), ...item, ttl: ttlIn(RUN_RETENTION_SECONDS) } }),
  );
}
