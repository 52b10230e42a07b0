import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from './model';

/** The attributes the report reads: no phone, username or Cognito session ever leaves the table. */
const ATTRIBUTES = [
  'runId',
  'kind',
  'targetName',
  'userPoolId',
  'region',
  'startedAt',
  'endedAt',
  'status',
  'reason',
  'class',
  'attempt',
  'retryOf',
  'steps',
  'durationMs',
  'ttl',
] as const;

/**
 * The run records (RUN#…) started at or after `from`, every page of a Scan: the table's one key is
 * `pk`, so no Query can select by time, and a month of runs at the default cadence (~9,000 records
 * of ~1 KB) is a few MB read once per report. Records past their TTL that DynamoDB has not deleted
 * yet (it takes up to a few days) are left out by the filter, as the DynamoDB Developer Guide's
 * "Working with expired items" advises: the report covers what retention keeps, and says so.
 */
export async function scanRuns(client: DynamoDBDocumentClient, tableName: string, from: Date, now = new Date()): Promise<RunRecord[]> {
  const names = Object.fromEntries(ATTRIBUTES.map((a) => [`#${a}`, a]));
  const runs: RunRecord[] = [];
  for await (const page of paginateScan(
    { client },
    {
      TableName: tableName,
      ProjectionExpression: ATTRIBUTES.map((a) => `#${a}`).join(', '),
      FilterExpression: 'begins_with(#pk, :run) AND #startedAt >= :from AND (attribute_not_exists(#ttl) OR #ttl > :now)',
      ExpressionAttributeNames: { ...names, '#pk': 'pk' },
      ExpressionAttributeValues: { ':run': 'RUN#', ':from': from.toISOString(), ':now': Math.floor(now.getTime() / 1000) },
    },
  )) {
    runs.push(...((page.Items ?? []) as RunRecord[]));
  }
  return runs;
}
