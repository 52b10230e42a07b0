import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { acquireLease, handler } from './acquireLease';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const MASKED = '+*******0100';
const NOW = 1_750_000_000_000;
const run = runItem;

beforeEach(() => {
  ddb.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
});
afterEach(() => jest.restoreAllMocks());

describe('acquireLease', () => {
  it('takes the phone’s lease for both waits plus a margin, unless another live run holds it', async () => {
    ddb.on(PutCommand).resolves({});
    const out = await acquireLease({ runId: 'run-1' });
    const seconds = 300 + 150 + 120;
    expect(out).toEqual({ leasedUntil: new Date(NOW + seconds * 1000).toISOString() });
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put).toEqual({
      TableName: 'runs-test',
      Item: { pk: `LEASE#${PHONE}`, runId: 'run-1', expiresAt: NOW + seconds * 1000, ttl: Math.floor(NOW / 1000) + seconds + 3600 },
      // Free, expired, already this run's, or reserved for this run (a re-run) once the failed attempt's hold ended.
      ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now OR #runId = :run OR (#nextHolder = :run AND #holdUntil < :now)',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#expiresAt': 'expiresAt',
        '#runId': 'runId',
        '#nextHolder': 'nextHolder',
        '#holdUntil': 'holdUntil',
      },
      ExpressionAttributeValues: { ':now': NOW, ':run': 'run-1' },
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: 'RUN#run-1' }, ConsistentRead: true });
    expect(JSON.stringify(out)).not.toContain(PHONE);
  });

  it('sizes the lease from the run’s own timeouts', async () => {
    ddb.on(GetCommand).resolves({ Item: run({ timeouts: { signUpCodeSeconds: 60, mfaCodeSeconds: 30 } }) });
    ddb.on(PutCommand).resolves({});
    await acquireLease({ runId: 'run-1' });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.expiresAt).toBe(NOW + (60 + 30 + 120) * 1000);
  });

  it('holds the phone of a sign-in run for its one code wait plus the margin', async () => {
    ddb.on(GetCommand).resolves({ Item: run({ kind: 'signin' }) });
    ddb.on(PutCommand).resolves({});
    await acquireLease({ runId: 'run-1' });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.expiresAt).toBe(NOW + (150 + 120) * 1000);
  });

  it('fails with PhoneBusy (retried by the state machine) when another run holds the lease, naming the phone only masked', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const error = (await acquireLease({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('PhoneBusy');
    expect(error.message).toContain(MASKED);
    expect(error.message).not.toContain(PHONE);
  });

  it('lets other errors through by name', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(acquireLease({ runId: 'run-1' })).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('fails with RunNotFound for a run that was never prepared', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(acquireLease({ runId: 'run-1' })).rejects.toMatchObject({ name: 'RunNotFound' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('rejects a bad run id before any call', async () => {
    await expect(acquireLease({ runId: 'a b' })).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    await expect(acquireLease({})).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, fails with PhoneBusy and a one-line trace', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const error = (await handler({ runId: 'run-1' }, {} as never).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('PhoneBusy');
    expect(error.stack).toBe(`PhoneBusy: ${error.message}`);
    expect(error.stack).not.toContain(PHONE);
  });
});
