import { createHmac } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { clearPasswordKeyCache, standingUserPassword, syntheticPassword } from './password';

process.env.RUNS_TABLE = 'runs-test';
const KEY = 'a2V5LWZvci10aGUtdGVzdHMta2V5LWZvci10aGUtdGVzdHM=';
const KEY_ITEM = { pk: 'KEY#synthetic-passwords' };

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
  clearPasswordKeyCache();
  ddb.on(GetCommand, { Key: KEY_ITEM }).resolves({ Item: { ...KEY_ITEM, key: KEY } });
});

describe('syntheticPassword', () => {
  it('is Aa1! plus 28 base64url chars of HMAC-SHA256(key, "password:<runId>"), the key read from the runs table', async () => {
    const expected = `Aa1!${createHmac('sha256', KEY).update('password:run-1').digest('base64url').slice(0, 28)}`;
    await expect(syntheticPassword('run-1')).resolves.toBe(expected);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: KEY_ITEM, ConsistentRead: true });
  });

  it('is the same in every Lambda of a run (derived, never stored) and differs between runs and from the standing user', async () => {
    const a1 = await syntheticPassword('run-1');
    const a2 = await syntheticPassword('run-1');
    const b = await syntheticPassword('run-2');
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(await standingUserPassword('run-1')).not.toBe(a1);
    // The key is read once per container, not per call.
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it('creates a random key on the first run, stored only if none exists, and uses it', async () => {
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const pw = await syntheticPassword('run-1');
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ TableName: 'runs-test', Item: KEY_ITEM, ConditionExpression: 'attribute_not_exists(#pk)' });
    const made = (put.Item as { key: string }).key;
    expect(Buffer.from(made, 'base64')).toHaveLength(32);
    expect(pw).toBe(`Aa1!${createHmac('sha256', made).update('password:run-1').digest('base64url').slice(0, 28)}`);
  });

  it('takes the key another Lambda stored first when two first runs race', async () => {
    ddb.reset();
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: { ...KEY_ITEM, key: KEY } });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(syntheticPassword('run-1')).resolves.toBe(
      `Aa1!${createHmac('sha256', KEY).update('password:run-1').digest('base64url').slice(0, 28)}`,
    );
  });

  it('changes with the key (deleting the item rotates every password)', async () => {
    const before = await syntheticPassword('run-1');
    clearPasswordKeyCache();
    ddb.on(GetCommand, { Key: KEY_ITEM }).resolves({ Item: { ...KEY_ITEM, key: 'rotated' } });
    expect(await syntheticPassword('run-1')).not.toBe(before);
  });

  it("meets Cognito's default password policy and does not reveal the key or the run id", async () => {
    const pw = await syntheticPassword('run-1');
    expect(pw).toHaveLength(32);
    expect(pw).toMatch(/[A-Z]/);
    expect(pw).toMatch(/[a-z]/);
    expect(pw).toMatch(/[0-9]/);
    expect(pw).toMatch(/[!]/);
    expect(pw).toMatch(/^[\w!-]+$/);
    expect(pw).not.toContain(KEY);
    expect(pw).not.toContain('run-1');
  });

  it('fails by name when the key cannot be read, and reads again on the next call', async () => {
    ddb.reset();
    ddb
      .on(GetCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
      .resolves({ Item: { ...KEY_ITEM, key: KEY } });
    await expect(syntheticPassword('run-1')).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(syntheticPassword('run-1')).resolves.toMatch(/^Aa1!/);
  });
});
