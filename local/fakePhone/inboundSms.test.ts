import { mockClient } from 'aws-sdk-client-mock';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { SNSEvent } from 'aws-lambda';
import { startMoto, type MotoServer } from '../moto';
import { linkSnsToLambda, type SnsLink } from '../events/sns';
import { functionLogicalId } from '../serverlessConfig';
import { inboundSmsDelivery, publishInboundSms, type InboundSmsLike, type InboundSmsResult } from './inboundSms';
import { handler as receiveInboundSms } from '../../functions/sms/receiveInboundSms';
import { expectNothingWritten } from '../../tests/support/receiver';
import { waitTakesCode } from '../../tests/support/runs';

const CHECK_PHONE = '+12065550142';
const SENDER = '+18445550199';
const SMS: InboundSmsLike = { phoneNumber: CHECK_PHONE, message: 'Your verification code is 604213. ' };

let moto: MotoServer;
let topicArn: string;
let link: SnsLink;
let invoke: (arn: string, event: SNSEvent) => Promise<unknown>;
const events: SNSEvent[] = [];
const savedEndpoint = process.env.AWS_ENDPOINT_URL_SNS;

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL_SNS = moto.url;
  const sns = new SNSClient({});
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'svc-local-inbound-sms' }))).TopicArn!;
  sns.destroy();
  const fn = {
    name: 'receiveInboundSms',
    logicalId: functionLogicalId('receiveInboundSms'),
    module: 'functions/sms/receiveInboundSms',
    exportName: 'handler',
    httpEvents: [],
    eventPatterns: [],
    snsEvents: [{ arn: topicArn }],
    environment: {},
    timeoutSeconds: 10,
    memoryMb: 256,
  };
  link = await linkSnsToLambda({
    config: { functions: [fn] },
    topicArnOf: String,
    arnOf: () => 'arn:aws:lambda:us-east-1:123456789012:function:receiveInboundSms',
    invoke: (arn, event) => invoke(arn, event),
  });
}, 60_000);
afterAll(async () => {
  await link.close();
  await moto.close();
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
  else process.env.AWS_ENDPOINT_URL_SNS = savedEndpoint;
});
beforeEach(() => {
  events.length = 0;
  invoke = async (_arn, event) => void events.push(event);
});

function deliverOnce(opts: Partial<Parameters<typeof inboundSmsDelivery>[0]> = {}, sms = SMS) {
  return new Promise<{ sms: InboundSmsLike; result: InboundSmsResult }>((resolve) => {
    inboundSmsDelivery({ topicArn, originationNumber: SENDER, ...opts, onResult: (s, result) => resolve({ sms: s, result }) })(sms);
  });
}

describe('inboundSmsDelivery (the fake phone as a two-way SMS number)', () => {
  it('publishes the two-way payload to the topic with the real SNS client, found through AWS_ENDPOINT_URL_SNS', async () => {
    const { result } = await deliverOnce();
    expect(result).toEqual({
      published: true,
      topicArn,
      snsMessageId: expect.any(String),
      inboundMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await link.idle();
    expect(events).toHaveLength(1);
    expect(events[0].Records[0].Sns.MessageId).toBe((result as { snsMessageId: string }).snsMessageId);
    expect(JSON.parse(events[0].Records[0].Sns.Message)).toEqual({
      originationNumber: SENDER,
      destinationNumber: CHECK_PHONE,
      messageKeyword: '',
      messageBody: SMS.message,
      inboundMessageId: (result as { inboundMessageId: string }).inboundMessageId,
      previousPublishedMessageId: '',
    });
  });

  it('names the keyword of a STOP/HELP text, and replays a delivery under the same inboundMessageId when told', async () => {
    const first = await publishInboundSms(
      { topicArn, originationNumber: SENDER },
      { phoneNumber: CHECK_PHONE, message: 'STOP', inboundMessageId: 'same-id' },
    );
    const again = await publishInboundSms(
      { topicArn, originationNumber: SENDER },
      { phoneNumber: CHECK_PHONE, message: 'STOP', inboundMessageId: 'same-id' },
    );
    await link.idle();
    expect([first, again].map((r) => r.published && r.inboundMessageId)).toEqual(['same-id', 'same-id']);
    expect(events.map((e) => JSON.parse(e.Records[0].Sns.Message))).toEqual([
      expect.objectContaining({ messageKeyword: 'STOP', inboundMessageId: 'same-id' }),
      expect.objectContaining({ messageKeyword: 'STOP', inboundMessageId: 'same-id' }),
    ]);
    // Two SNS notifications: SNS would be at least once, the receiver must tell.
    expect(new Set(events.map((e) => e.Records[0].Sns.MessageId)).size).toBe(2);
  });

  it("follows the number's two-way channel when given a lookup, and publishes nothing when two-way is off", async () => {
    expect((await deliverOnce({ topicArn: (phone) => (phone === CHECK_PHONE ? topicArn : undefined) })).result.published).toBe(true);
    expect((await deliverOnce({ topicArn: () => undefined })).result).toEqual({ published: false, reason: 'NoTwoWayChannel' });
    await link.idle();
    expect(events).toHaveLength(1);
  });

  it('waits delayMs before publishing', async () => {
    const sent = Date.now();
    await deliverOnce({ delayMs: 120 });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(110);
  });

  it('reports a failed publish instead of throwing, and writes nothing to the console', async () => {
    await expectNothingWritten('604213', async () => {
      const { result } = await deliverOnce({ topicArn: `${topicArn}-missing` });
      expect(result).toMatchObject({ published: false, reason: 'PublishFailed', error: 'NotFoundException' });
      const thrown = new Promise<void>((resolve) =>
        inboundSmsDelivery({
          topicArn,
          originationNumber: SENDER,
          onResult: () => {
            resolve();
            throw new Error('observer bug');
          },
        })(SMS),
      );
      await thrown;
      await link.idle();
    });
  });

  it('drives the real receiver end to end: fake phone → SNS (moto) → link → receiveInboundSms → the waiting run (DynamoDB, Step Functions mocked)', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sfn = mockClient(SFNClient);
    process.env.RUNS_TABLE = 'runs-test';
    ddb.on(PutCommand).resolves({});
    waitTakesCode(ddb, { pk: `WAIT#${CHECK_PHONE}`, runId: 'run-7', step: 'SIGN_UP', expiresAt: Date.now() + 60_000, taskToken: 'tok' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const outcomes: unknown[] = [];
    invoke = async (_arn, event) => outcomes.push(await receiveInboundSms(JSON.parse(JSON.stringify(event)), {} as never));
    try {
      await deliverOnce({ delayMs: 5 });
      await link.idle();
      expect(outcomes).toEqual([[expect.objectContaining({ outcome: 'Resumed', runId: 'run-7', step: 'SIGN_UP' })]]);
      expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[':code']).toBe('604213');
      expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.Key).toEqual({ pk: `WAIT#${CHECK_PHONE}` });
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    } finally {
      ddb.restore();
      sfn.restore();
    }
  });
});
