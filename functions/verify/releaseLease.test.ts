import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler, releaseLease } from './releaseLease';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const LEASE = { pk: `LEASE#${PHONE}` };
const WAIT = { pk: `WAIT#${PHONE}` };
const run = runItem;
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** Every write the release made, whatever command it used (the wait may be deleted or closed). */
const writes = () =>
  ddb
    .calls()
    .map((c) => c.args[0] as { constructor: { name: string }; input: Record<string, any> })
    .filter((cmd) => !(cmd instanceof GetCommand))
    .map((cmd) => cmd.input);

function expectEveryWriteOwnedByRun() {
  expect(ddb).not.toHaveReceivedCommand(PutCommand);
  for (const w of writes()) {
    expect(w.TableName).toBe('runs-test');
    expect(w.ConditionExpression).toBe('#runId = :run');
    expect(w.ExpressionAttributeNames).toMatchObject({ '#runId': 'runId' });
    expect(w.ExpressionAttributeValues).toMatchObject({ ':run': 'run-1' });
  }
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb.on(DeleteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('releaseLease', () => {
  it('deletes the run’s lease and closes its wait, each only if still the run’s', async () => {
    await expect(releaseLease({ runId: 'run-1' })).resolves.toEqual({ released: true, heldSeconds: 0 });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'runs-test', Key: LEASE, ConditionExpression: '#runId = :run' });
    expect(writes().some((w) => w.Key?.pk === WAIT.pk)).toBe(true);
    expectEveryWriteOwnedByRun();
  });

  it('never deletes another run’s lease: the failed condition is tolerated and reported as not released', async () => {
    ddb.on(DeleteCommand, { Key: LEASE }).rejects(conditionFailed());
    ddb.on(DeleteCommand, { Key: WAIT }).rejects(conditionFailed());
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(releaseLease({ runId: 'run-1' })).resolves.toEqual({ released: false, heldSeconds: 0 });
    expectEveryWriteOwnedByRun();
  });

  it('still releases its lease when the wait is already another run’s', async () => {
    ddb.on(DeleteCommand, { Key: WAIT }).rejects(conditionFailed());
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(releaseLease({ runId: 'run-1' })).resolves.toEqual({ released: true, heldSeconds: 0 });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: LEASE });
  });

  it('after a failure, keeps the lease for the hold (a late SMS of this run must not answer the next run), only if still the run’s', async () => {
    process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = '45';
    try {
      const before = Date.now();
      await expect(releaseLease({ runId: 'run-1', failed: true })).resolves.toEqual({ released: true, heldSeconds: 45 });
      expect(ddb).not.toHaveReceivedCommandWith(DeleteCommand, { Key: LEASE });
      const hold = ddb
        .commandCalls(UpdateCommand)
        .map((c) => c.args[0].input)
        .find((i) => i.Key?.pk === LEASE.pk)!;
      expect(hold.UpdateExpression).toBe('SET #expiresAt = :until');
      expect(hold.ExpressionAttributeValues![':until']).toBeGreaterThanOrEqual(before + 45_000);
      expectEveryWriteOwnedByRun();
    } finally {
      delete process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
    }
  });

  it('refuses a hold setting out of range, and a non-boolean failed', async () => {
    await expect(releaseLease({ runId: 'run-1', failed: 'yes' })).rejects.toMatchObject({ name: 'ValidationError', field: 'failed' });
    process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS = '-1';
    try {
      await expect(releaseLease({ runId: 'run-1', failed: true })).rejects.toThrow(/PHONE_HOLD_AFTER_FAILURE_SECONDS/);
    } finally {
      delete process.env.PHONE_HOLD_AFTER_FAILURE_SECONDS;
    }
  });

  it('lets other errors through by name (so the state machine retries)', async () => {
    ddb
      .on(DeleteCommand, { Key: LEASE })
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(releaseLease({ runId: 'run-1' })).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('fails with RunNotFound for an unknown run, touching nothing', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(releaseLease({ runId: 'run-1' })).rejects.toMatchObject({ name: 'RunNotFound' });
    expect(writes()).toHaveLength(0);
  });

  it('after a failure of a run that never wrote its record (bad input), has nothing to release', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(releaseLease({ runId: 'run-1', failed: true })).resolves.toEqual({ released: false, heldSeconds: 0 });
    expect(writes()).toHaveLength(0);
  });

  it('rejects a bad run id', async () => {
    await expect(releaseLease({ runId: '../x' })).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
  });

  it('as a Lambda handler, returns no phone number', async () => {
    const out = await handler({ runId: 'run-1' }, {} as never);
    expect(JSON.stringify(out)).not.toContain('5555550100');
  });
});
