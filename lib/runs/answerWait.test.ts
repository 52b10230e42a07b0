import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { answerWait } from './answerWait';
import { codeHash } from './codeHash';
import type { WaitItem } from './model';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+15555550100';
const NOW = 1_750_000_000_000;
const wait = (over: Partial<WaitItem> = {}): WaitItem => ({
  pk: `WAIT#${PHONE}`,
  runId: 'run-1',
  step: 'SIGN_UP',
  registeredAt: NOW - 1000,
  expiresAt: NOW + 60_000,
  ttl: 0,
  ...over,
});
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const update = () => ddb.commandCalls(UpdateCommand)[0].args[0].input;

beforeEach(() => ddb.reset());

describe('answerWait', () => {
  it('stores the code on an open wait (first answer wins) and returns the wait with its task token', async () => {
    const answered = wait({ code: '123456', answered: true, answeredAt: NOW, taskToken: 'tok' });
    ddb.on(UpdateCommand).resolves({ Attributes: answered });
    await expect(answerWait(PHONE, '123456', { now: NOW })).resolves.toEqual({ outcome: 'ACCEPTED', wait: answered });
    expect(update()).toMatchObject({
      TableName: 'runs-test',
      Key: { pk: `WAIT#${PHONE}` },
      UpdateExpression: 'SET #code = :code, #codeHash = :hash, #answered = :yes, #answeredAt = :now',
      ReturnValues: 'ALL_NEW',
    });
    expect(update().ConditionExpression).toBe(
      'attribute_exists(#pk) AND attribute_not_exists(#answered) AND #expiresAt > :now AND (attribute_not_exists(#previousCodeHash) OR #previousCodeHash <> :hash)',
    );
    expect(update().ExpressionAttributeValues).toEqual({ ':code': '123456', ':yes': true, ':now': NOW, ':hash': codeHash('123456') });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('accepts a plain number as `now` (older call style)', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait() });
    await answerWait(PHONE, '1', NOW + 5);
    expect(update().ExpressionAttributeValues?.[':now']).toBe(NOW + 5);
  });

  it('answers only this run’s wait when given a run id', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: wait() });
    await answerWait(PHONE, '123456', { runId: 'run-1', now: NOW });
    expect(update().ConditionExpression).toMatch(/ AND #runId = :run$/);
    expect(update().ExpressionAttributeNames).toMatchObject({ '#runId': 'runId' });
    expect(update().ExpressionAttributeValues).toMatchObject({ ':run': 'run-1' });
  });

  it('reports NOT_WAITING when there is no wait on the phone', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(answerWait(PHONE, '123456', { now: NOW })).resolves.toEqual({ outcome: 'NOT_WAITING' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'runs-test', Key: { pk: `WAIT#${PHONE}` }, ConsistentRead: true });
  });

  it('reports another run’s wait as NOT_WAITING when the code is for a given run', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: wait({ runId: 'run-2' }) });
    await expect(answerWait(PHONE, '123456', { runId: 'run-1', now: NOW })).resolves.toEqual({ outcome: 'NOT_WAITING' });
  });

  it('reports ALREADY_ANSWERED for a second answer', async () => {
    const answered = wait({ answered: true, code: '111111' });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: answered });
    await expect(answerWait(PHONE, '222222', { now: NOW })).resolves.toEqual({ outcome: 'ALREADY_ANSWERED', wait: answered });
  });

  it('reports a repeat of the previous step’s code as ALREADY_ANSWERED, not as this step’s code', async () => {
    const open = wait({ step: 'MFA', previousCodeHash: codeHash('111111') });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: open });
    await expect(answerWait(PHONE, '111111', { now: NOW })).resolves.toEqual({ outcome: 'ALREADY_ANSWERED', wait: open });
  });

  it('reports EXPIRED for a code after the wait’s expiry', async () => {
    const late = wait({ expiresAt: NOW - 1 });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: late });
    await expect(answerWait(PHONE, '123456', { now: NOW })).resolves.toEqual({ outcome: 'EXPIRED', wait: late });
  });

  it('lets other errors through by name', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(answerWait(PHONE, '1', { now: NOW })).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});
