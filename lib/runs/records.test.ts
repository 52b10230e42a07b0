import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getRun } from './getRun';
import { putRun } from './putRun';
import { clearAuthSession, saveAuthSession } from './authSession';
import { codeHash } from './codeHash';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

describe('run records', () => {
  it('getRun reads the run consistently', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'RUN#run-1', runId: 'run-1' } });
    await expect(getRun('run-1')).resolves.toEqual({ pk: 'RUN#run-1', runId: 'run-1' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: 'RUN#run-1' }, ConsistentRead: true });
  });

  it('getRun fails with RunNotFound for a missing run', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(getRun('run-1')).rejects.toMatchObject({ name: 'RunNotFound' });
  });

  it('putRun writes the run under RUN#<runId> with a 30-day TTL', async () => {
    ddb.on(PutCommand).resolves({});
    const now = Date.now();
    await putRun({
      runId: 'run-1',
      phoneNumber: '+15555550100',
      userPoolId: 'us-east-1_abc',
      clientId: 'c',
      username: 'synthetic-run-1',
      startedAt: 's',
      status: 'RUNNING',
      timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 150 },
    });
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item!;
    expect(item).toMatchObject({ pk: 'RUN#run-1', runId: 'run-1', status: 'RUNNING' });
    expect(item.ttl).toBeGreaterThanOrEqual(Math.floor(now / 1000) + 30 * 24 * 3600);
  });

  it('saveAuthSession / clearAuthSession keep the Cognito session on the run record only until it is used', async () => {
    ddb.on(UpdateCommand).resolves({});
    await saveAuthSession('run-1', 'SESSION');
    await clearAuthSession('run-1');
    const [save, clear] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(save).toMatchObject({
      Key: { pk: 'RUN#run-1' },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'authSession' },
      ExpressionAttributeValues: { ':s': 'SESSION' },
    });
    expect(clear).toMatchObject({
      Key: { pk: 'RUN#run-1' },
      UpdateExpression: 'REMOVE #s',
      ExpressionAttributeNames: { '#s': 'authSession' },
    });
  });

  it('codeHash is a stable SHA-256 hex that does not contain the code', () => {
    expect(codeHash('123456')).toBe('8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92');
    expect(codeHash('123456')).not.toContain('123456');
  });
});
