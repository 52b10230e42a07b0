import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { conditionFailed, waitItem as waitOn, waitTakesCode, waitUpdates } from '../../tests/support/runs';
import type { WaitItem } from '../../lib/runs/model';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { SNSEvent } from 'aws-lambda';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { handler, parseInboundSms, receiveInboundSms } from './receiveInboundSms';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const PHONE = '+12065550142';
const SENDER = '+18445550199';
const CODE = '604213';
const TEXT = `Your verification code is ${CODE}. `;

const payload = (over: Record<string, unknown> = {}) => ({
  originationNumber: SENDER,
  destinationNumber: PHONE,
  messageKeyword: '',
  messageBody: TEXT,
  inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
  previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ...over,
});

/** The event Lambda receives from SNS (one record). */
const snsEvent = (message: unknown): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:inbound-sms:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:inbound-sms',
        Subject: undefined,
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: '2025-01-01T00:00:00.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
        UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    },
  ],
});

const waitItem = (over: Partial<WaitItem> = {}) => waitOn(PHONE, { runId: 'run-7', registeredAt: 1, taskToken: 'tok', ttl: 1, ...over });

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  waitTakesCode(ddb, waitItem());
  sfn.on(SendTaskSuccessCommand).resolves({});
  logs = captureLogs();
});
afterEach(() => {
  const text = logs.lines.join('');
  logs.restore();
  // Whatever happened: no code, no text, no phone number in clear in any log line.
  expect(text).not.toContain(CODE);
  expect(text).not.toContain('verification code');
  expect(text).not.toContain(PHONE);
  expect(text).not.toContain(SENDER);
});

const logLines = () => jsonLines(logs.lines);
const lineOf = (message: string) => logLines().find((l) => l.message === message);

describe('receiveInboundSms', () => {
  it('takes the code out of messageBody and resumes the run waiting on destinationNumber', async () => {
    const out = await receiveInboundSms(snsEvent(payload()));
    expect(out).toEqual([
      {
        outcome: 'Resumed',
        runId: 'run-7',
        step: 'SIGN_UP',
        snsMessageId: expect.any(String),
        inboundMessageId: payload().inboundMessageId,
      },
    ]);
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.Key).toEqual({ pk: `WAIT#${PHONE}` });
    expect(update.ExpressionAttributeValues?.[':code']).toBe(CODE);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'tok',
      output: JSON.stringify({ runId: 'run-7', step: 'SIGN_UP' }),
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: `SEEN#inbound-sms#${payload().inboundMessageId}` }),
    });
    expect(lineOf('code Resumed')).toMatchObject({
      route: 'inbound-sms',
      outcome: 'Resumed',
      phone: '+*******0142',
      from: '+*******0199',
      runId: 'run-7',
      step: 'SIGN_UP',
    });
  });

  it('reads the MFA text too, and a code for a wait registered before the await task parked its token', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: waitItem({ step: 'MFA', taskToken: undefined }) });
    const out = await receiveInboundSms(snsEvent(payload({ messageBody: `Your authentication code is ${CODE}. ` })));
    expect(out[0]).toMatchObject({ outcome: 'StoredBeforeAwait', step: 'MFA' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('answers a repeated inboundMessageId (SNS delivers at least once) as Duplicate, touching no wait', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    const out = await receiveInboundSms(snsEvent(payload()));
    expect(out[0].outcome).toBe('Duplicate');
    expect(waitUpdates(ddb)).toHaveLength(0);
    expect(lineOf('code Duplicate')).toMatchObject({ inboundMessageId: payload().inboundMessageId, phone: '+*******0142' });
  });

  it.each([
    ['STOP', ''],
    ['help', ''],
    ['HELP me please', 'HELP'],
    ['UNSUBSCRIBE', 'UNSUBSCRIBE'],
  ])('ignores the keyword %p (messageKeyword %p): nothing to resume', async (messageBody, messageKeyword) => {
    const out = await receiveInboundSms(snsEvent(payload({ messageBody, messageKeyword })));
    expect(out[0].outcome).toBe('Keyword');
    expect(waitUpdates(ddb)).toHaveLength(0);
    expect(lineOf('code Keyword')).toMatchObject({ keyword: messageBody.split(' ')[0].toUpperCase() });
  });

  it.each([['Welcome to the service!'], [''], ['codes 1234 and 5678']])(
    'returns NoCode for %p, with the rule in the log line',
    async (messageBody) => {
      const out = await receiveInboundSms(snsEvent(payload({ messageBody })));
      expect(out[0].outcome).toBe('NoCode');
      expect(waitUpdates(ddb)).toHaveLength(0);
      expect(lineOf('code NoCode')).toMatchObject({ rule: expect.stringContaining('code') });
    },
  );

  it('returns NotWaiting when no run waits on that number (a final outcome, not retried)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    const out = await receiveInboundSms(snsEvent(payload()));
    expect(out[0].outcome).toBe('NotWaiting');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(lineOf('code NotWaiting')).toMatchObject({ level: 'WARN', route: 'inbound-sms' });
  });

  it('returns WaitExpired for a late message, whether the deadline passed or Step Functions closed the task', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: waitItem({ expiresAt: Date.now() - 1 }) });
    expect((await receiveInboundSms(snsEvent(payload())))[0].outcome).toBe('WaitExpired');

    ddb.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: waitItem() });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expect((await receiveInboundSms(snsEvent(payload({ inboundMessageId: 'other' }))))[0]).toMatchObject({
      outcome: 'WaitExpired',
      runId: 'run-7',
    });
    expect(lineOf('code WaitExpired')).toMatchObject({ why: expect.any(String) });
  });

  it('returns AlreadyAnswered for the same code under a new inboundMessageId once the run took it', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: waitItem({ answered: true, code: undefined, consumedAt: 5 }) });
    const out = await receiveInboundSms(snsEvent(payload({ inboundMessageId: 'a-new-id' })));
    expect(out[0].outcome).toBe('AlreadyAnswered');
  });

  it.each([
    ['not JSON', 'Your verification code is 604213.', 'Sns.Message', 'must be JSON'],
    ['a JSON array', '[1,2]', 'Sns.Message', 'must be a JSON object'],
    ['no destinationNumber', JSON.stringify(payload({ destinationNumber: undefined })), 'destinationNumber', 'is required'],
    [
      'a destinationNumber that is no E.164 number',
      JSON.stringify(payload({ destinationNumber: '12065550142' })),
      'destinationNumber',
      'may contain only',
    ],
    ['a messageBody that is not text', JSON.stringify(payload({ messageBody: 604213 })), 'messageBody', 'must be a string'],
    ['no inboundMessageId', JSON.stringify(payload({ inboundMessageId: undefined })), 'inboundMessageId', 'is required'],
    ['an oversized message', JSON.stringify(payload({ messageBody: 'x'.repeat(20_000) })), 'Sns.Message', 'at most'],
  ])('returns Malformed for %s, logging the field and the rule but no value', async (_what, message, field, rule) => {
    const out = await receiveInboundSms(snsEvent(message));
    expect(out[0].outcome).toBe('Malformed');
    expect(ddb.calls()).toHaveLength(0);
    expect(lineOf('code Malformed')).toMatchObject({ field, rule: expect.stringContaining(rule), snsMessageId: expect.any(String) });
  });

  it('returns Malformed for an event that is not an SNS event at all', async () => {
    expect(await receiveInboundSms({} as SNSEvent)).toEqual([{ outcome: 'Malformed' }]);
    expect(await receiveInboundSms({ Records: [{}] } as never)).toEqual([{ outcome: 'Malformed', snsMessageId: undefined }]);
    expect(lineOf('code Malformed')).toMatchObject({ field: 'Records' });
  });

  it('ignores fields AWS may add, and accepts a payload without the optional ones', async () => {
    const message = { ...payload({ carrier: 'x' }) } as Record<string, unknown>;
    delete message.messageKeyword;
    delete message.previousPublishedMessageId;
    expect(parseInboundSms(JSON.stringify(message))).toEqual({
      originationNumber: SENDER,
      destinationNumber: PHONE,
      messageBody: TEXT,
      inboundMessageId: payload().inboundMessageId,
    });
    expect(parseInboundSms(JSON.stringify(payload({ originationNumber: '262966' }))).originationNumber).toBe('262966');
  });

  it('throws a transient failure after forgetting the message, so that the retry is not taken for a duplicate', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(receiveInboundSms(snsEvent(payload()))).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `SEEN#inbound-sms#${payload().inboundMessageId}` } });
    expect(lineOf('inbound SMS not handled, Lambda will retry')).toMatchObject({
      errorName: 'ProvisionedThroughputExceededException',
      phone: '+*******0142',
    });
  });

  it('still throws the original error when forgetting fails too, and says the retry waits for the claim to expire', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    ddb.on(DeleteCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(receiveInboundSms(snsEvent(payload()))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(lineOf('could not drop the claim on a message; its retry waits for the claim to expire')).toMatchObject({
      messageId: payload().inboundMessageId,
      route: 'inbound-sms',
    });
  });

  it('throws when the duplicate check itself cannot be made (DynamoDB down), with nothing to forget', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('unavailable'), { name: 'InternalServerError' }));
    await expect(receiveInboundSms(snsEvent(payload()))).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('handles every record of an event and throws the transient failure after the others', async () => {
    const event = snsEvent(payload());
    event.Records.push({ ...event.Records[0], Sns: { ...event.Records[0].Sns, Message: 'STOP' } });
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(receiveInboundSms(event)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(lineOf('code Malformed')).toBeDefined();
  });

  it('as the Lambda handler, returns the outcomes (no code) for what can never succeed', async () => {
    const out = await handler(snsEvent(payload({ messageBody: 'STOP' })), {} as never);
    expect(out).toEqual([expect.objectContaining({ outcome: 'Keyword' })]);
    expect(JSON.stringify(out)).not.toContain(PHONE);
  });
});
