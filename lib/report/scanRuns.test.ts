import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { scanRuns } from './scanRuns';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => client.destroy());

describe('scanRuns', () => {
  it('reads every page of run records since `from`, leaving out expired ones and never the session or phone', async () => {
    ddb.reset();
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ runId: 'a' }], LastEvaluatedKey: { pk: 'RUN#a' } })
      .resolvesOnce({ Items: [{ runId: 'b' }, { runId: 'c' }] });
    const runs = await scanRuns(client, 'runs', new Date('2026-07-01T00:00:00Z'), new Date('2026-07-10T00:00:00Z'));
    expect(runs.map((r) => r.runId)).toEqual(['a', 'b', 'c']);
    const calls = ddb.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.ExclusiveStartKey).toEqual({ pk: 'RUN#a' });
    const input = calls[0]!;
    expect(input.FilterExpression).toBe('begins_with(#pk, :run) AND #startedAt >= :from AND (attribute_not_exists(#ttl) OR #ttl > :now)');
    expect(input.ExpressionAttributeValues).toEqual({ ':run': 'RUN#', ':from': '2026-07-01T00:00:00.000Z', ':now': 1783641600 });
    const projected = input.ProjectionExpression!.split(', ').map((n) => input.ExpressionAttributeNames![n]);
    expect(projected).toEqual(expect.arrayContaining(['runId', 'status', 'steps', 'reason', 'class', 'attempt', 'retryOf', 'region']));
    for (const secret of ['authSession', 'phoneNumber', 'username', 'challengeUsername']) expect(projected).not.toContain(secret);
  });
});
