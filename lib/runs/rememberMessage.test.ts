import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed } from '../../tests/support/runs';
import { handleOnce, IN_PROGRESS_SECONDS, rememberMessage } from './rememberMessage';
import { REPLAYABLE_SEEN_RETENTION_SECONDS, SEEN_RETENTION_SECONDS } from './model';

process.env.RUNS_TABLE = 'runs-test';
const ddb = mockClient(DynamoDBDocumentClient);
const NOW = 1_750_000_000_000;

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('rememberMessage', () => {
  it('claims a new message for a short while, and lets a retry take over a claim that ran out (its handler died)', async () => {
    await expect(rememberMessage('twilio', 'SM1', NOW)).resolves.toBe(true);
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put.Item).toMatchObject({ pk: 'SEEN#twilio#SM1', state: 'IN_PROGRESS', claimedUntil: NOW + IN_PROGRESS_SECONDS * 1000 });
    expect(put.ConditionExpression).toBe('attribute_not_exists(#pk) OR (#state = :inProgress AND #claimedUntil < :now)');
    expect(put.ExpressionAttributeValues).toEqual({ ':inProgress': 'IN_PROGRESS', ':now': NOW });
  });

  it('keeps a Twilio message for 400 days (its signature has no timestamp: a captured request can be replayed any time), others a day', async () => {
    const DAY = 24 * 3600;
    expect({ replayable: REPLAYABLE_SEEN_RETENTION_SECONDS, other: SEEN_RETENTION_SECONDS }).toEqual({ replayable: 400 * DAY, other: DAY });
    await rememberMessage('twilio', 'SM1', NOW);
    await rememberMessage('inbound-sms', 'm-1', NOW);
    const ttls = Object.fromEntries(ddb.commandCalls(PutCommand).map((c) => [c.args[0].input.Item!.pk, c.args[0].input.Item!.ttl]));
    expect(ttls).toEqual({ 'SEEN#twilio#SM1': NOW / 1000 + 400 * DAY, 'SEEN#inbound-sms#m-1': NOW / 1000 + DAY });
  });

  it('answers false for a message handled, or being handled, already', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(rememberMessage('twilio', 'SM1', NOW)).resolves.toBe(false);
  });
});

describe('handleOnce', () => {
  it('runs the work once, then marks the message done', async () => {
    const work = jest.fn().mockResolvedValue('ok');
    await expect(handleOnce('inbound-sms', 'm-1', work)).resolves.toEqual({ result: 'ok' });
    expect(work).toHaveBeenCalledTimes(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'SEEN#inbound-sms#m-1' },
      ExpressionAttributeValues: { ':done': 'DONE' },
    });
  });

  it('does not run the work for a duplicate', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    const work = jest.fn();
    await expect(handleOnce('inbound-sms', 'm-1', work)).resolves.toBeUndefined();
    expect(work).not.toHaveBeenCalled();
  });

  it('drops the claim when the work fails (a transient error), so the retry is handled, and rethrows', async () => {
    const error = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    await expect(handleOnce('inbound-sms', 'm-1', () => Promise.reject(error))).rejects.toBe(error);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'SEEN#inbound-sms#m-1' } });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('keeps the result when marking it done fails: the claim still refuses repeats until it runs out', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('x'), { name: 'InternalServerError' }));
    await expect(handleOnce('inbound-sms', 'm-1', async () => 7)).resolves.toEqual({ result: 7 });
  });
});
