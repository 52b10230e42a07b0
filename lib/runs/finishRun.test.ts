import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { finishRun } from './finishRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = 1_750_000_000_000;
const update = () => ddb.commandCalls(UpdateCommand)[0].args[0].input;

beforeEach(() => {
  ddb.reset();
  ddb.on(UpdateCommand).resolves({});
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => jest.restoreAllMocks());

describe('finishRun', () => {
  it('upserts a PASS with timings, keeps the record 30 days, and drops the auth session', async () => {
    const steps = [{ name: 'SignUp', ms: 120 }];
    await finishRun('run-1', { verdict: 'PASS', endedAt: '2025-01-01T00:00:00.000Z', durationMs: 4200, steps });
    expect(update()).toMatchObject({ TableName: 'runs-test', Key: { pk: 'RUN#run-1' } });
    expect(update()).not.toHaveProperty('ConditionExpression');
    expect(update().UpdateExpression).toMatch(/REMOVE #authSession$/);
    expect(update().ExpressionAttributeNames?.['#authSession']).toBe('authSession');
    expect(update().ExpressionAttributeValues).toEqual({
      ':runId': 'run-1',
      ':status': 'PASS',
      ':endedAt': '2025-01-01T00:00:00.000Z',
      ':steps': steps,
      ':ttl': Math.floor(NOW / 1000) + 30 * 24 * 3600,
      ':reason': null,
      ':cause': null,
      ':durationMs': 4200,
    });
  });

  it('records a FAIL with its reason and cause, and null for an unknown duration', async () => {
    await finishRun('run-1', { verdict: 'FAIL', reason: 'SmsCodeNotReceived', cause: 'timed out', endedAt: 'e', steps: [] });
    expect(update().ExpressionAttributeValues).toMatchObject({
      ':status': 'FAIL',
      ':reason': 'SmsCodeNotReceived',
      ':cause': 'timed out',
      ':durationMs': null,
    });
  });

  it('lets errors through by name', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }));
    await expect(finishRun('run-1', { verdict: 'PASS', endedAt: 'e', steps: [] })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
