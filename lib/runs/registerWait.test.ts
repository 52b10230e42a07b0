import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { registerWait } from './registerWait';
import { codeHash } from './codeHash';
import type { WaitItem } from './model';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+15555550100';
const NOW = 1_750_000_000_000;
const put = () => ddb.commandCalls(PutCommand)[0].args[0].input;

beforeEach(() => {
  ddb.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  ddb.on(PutCommand).resolves({});
});
afterEach(() => jest.restoreAllMocks());

describe('registerWait', () => {
  it('opens the phone’s wait for the step, expiring after the timeout, with a short TTL and no code', async () => {
    ddb.on(GetCommand).resolves({});
    await registerWait(PHONE, 'run-1', 'SIGN_UP', 300);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: `WAIT#${PHONE}` }, ConsistentRead: true });
    const item = put().Item as WaitItem;
    expect(put().TableName).toBe('runs-test');
    expect(item).toEqual({
      pk: `WAIT#${PHONE}`,
      runId: 'run-1',
      step: 'SIGN_UP',
      registeredAt: NOW,
      expiresAt: NOW + 300_000,
      previousCodeHash: undefined,
      ttl: Math.floor(NOW / 1000) + 2 * 3600,
    });
    expect(item).not.toHaveProperty('code', expect.anything());
    expect(item).not.toHaveProperty('answered', expect.anything());
    expect(item).not.toHaveProperty('taskToken', expect.anything());
    // No user named (the SANDBOX wait): none recorded, so no user's code is taken for it.
    expect(item).not.toHaveProperty('username');
  });

  it('records the Cognito user whose code answers the wait, when the run names one', async () => {
    ddb.on(GetCommand).resolves({});
    await registerWait(PHONE, 'run-1', 'MFA', 150, { userPoolId: 'us-east-1_abc', username: 'synthetic-standing-0a1b' });
    expect(put().Item).toMatchObject({ runId: 'run-1', step: 'MFA', userPoolId: 'us-east-1_abc', username: 'synthetic-standing-0a1b' });
  });

  it('carries the hash (never the code) of the same run’s previous code over to the MFA wait', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'SIGN_UP', code: '123456', answered: true } });
    await registerWait(PHONE, 'run-1', 'MFA', 150);
    const item = put().Item as WaitItem;
    expect(item).toMatchObject({ step: 'MFA', runId: 'run-1', expiresAt: NOW + 150_000, previousCodeHash: codeHash('123456') });
    expect(JSON.stringify(item)).not.toContain('123456');
  });

  it('carries the previous run’s last code hash too, so its late duplicate cannot answer this run', async () => {
    ddb.on(GetCommand).resolves({
      Item: { pk: `WAIT#${PHONE}`, runId: 'run-0', step: 'MFA', codeHash: codeHash('999999'), answered: true, expiresAt: NOW - 1 },
    });
    await registerWait(PHONE, 'run-1', 'SIGN_UP', 300);
    expect(put().Item?.previousCodeHash).toBe(codeHash('999999'));
  });

  it('may replace only its own wait, a free one, or one that has expired', async () => {
    ddb.on(GetCommand).resolves({});
    await registerWait(PHONE, 'run-1', 'SIGN_UP', 300);
    expect(put()).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk) OR #runId = :run OR #expiresAt < :now',
      ExpressionAttributeValues: { ':run': 'run-1', ':now': NOW },
    });
  });

  it('fails with PhoneBusy when another run took the phone after this run’s lease ran out', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: `WAIT#${PHONE}`, runId: 'run-2', step: 'SIGN_UP', expiresAt: NOW + 60_000 } });
    ddb.on(PutCommand).rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    await expect(registerWait(PHONE, 'run-1', 'MFA', 150)).rejects.toMatchObject({ name: 'PhoneBusy' });
  });

  // A Lambda retry (e.g. after throttling) registers the same step again: the hash carried the first time stays.
  it('keeps the carried hash when the same step’s wait is registered again (Lambda retry)', async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        pk: `WAIT#${PHONE}`,
        runId: 'run-1',
        step: 'MFA',
        registeredAt: NOW - 1000,
        expiresAt: NOW + 149_000,
        previousCodeHash: codeHash('123456'),
      },
    });
    await registerWait(PHONE, 'run-1', 'MFA', 150);
    expect(put().Item?.previousCodeHash).toBe(codeHash('123456'));
  });

  it('lets DynamoDB errors through by name', async () => {
    ddb.on(GetCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(registerWait(PHONE, 'run-1', 'SIGN_UP', 300)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});
