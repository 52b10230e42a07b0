import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { startMoto, type MotoServer } from '../moto';
import { functionLogicalId, type FunctionConfig } from '../serverlessConfig';
import { linkSnsToLambda, type SnsAttempt, type SnsDeliveryFailure } from './sns';

let moto: MotoServer;
let sns: SNSClient;
let topicArn: string;
let otherTopicArn: string;

const fn = (name: string, snsEvents: FunctionConfig['snsEvents']): FunctionConfig => ({
  name,
  logicalId: functionLogicalId(name),
  module: `functions/${name}`,
  exportName: 'handler',
  httpEvents: [],
  eventPatterns: [],
  snsEvents,
  environment: {},
  timeoutSeconds: 10,
  memoryMb: 256,
});
const arnOf = (f: FunctionConfig) => `arn:aws:lambda:us-east-1:123456789012:function:svc-local-${f.name}`;
const refs: Record<string, string> = {};
const topicArnOf = (value: unknown) =>
  value && typeof value === 'object' && 'Ref' in value ? refs[String((value as { Ref: string }).Ref)] : String(value);

beforeAll(async () => {
  moto = await startMoto();
  sns = new SNSClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'svc-local-inbound-sms' }))).TopicArn!;
  otherTopicArn = (await sns.send(new CreateTopicCommand({ Name: 'svc-local-other' }))).TopicArn!;
  refs.InboundSmsTopic = topicArn;
}, 60_000);
afterAll(async () => {
  sns.destroy();
  await moto.close();
});

const config = () => ({
  functions: [
    fn('receiveInboundSms', [{ arn: { Ref: 'InboundSmsTopic' } }]),
    fn('auditor', [{ arn: { Ref: 'InboundSmsTopic' } }, { arn: otherTopicArn }]),
    fn('noEvents', []),
  ],
});

describe('local SNS → Lambda link (moto http subscriptions)', () => {
  it('subscribes each sns event with a real Subscribe, and invokes the function with the Lambda SNS event', async () => {
    const invoked: { arn: string; event: SNSEvent }[] = [];
    const link = await linkSnsToLambda({
      config: config(),
      topicArnOf,
      arnOf,
      sns,
      invoke: async (arn, event) => void invoked.push({ arn, event }),
    });
    try {
      expect(link.subscriptions.map((s) => [s.functionName, s.topicArn])).toEqual([
        ['receiveInboundSms', topicArn],
        ['auditor', topicArn],
        ['auditor', otherTopicArn],
      ]);
      const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      expect(listed.Subscriptions?.map((s) => s.Protocol)).toEqual(['http', 'http']);

      const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"messageBody":"hello"}' }));
      await link.idle();
      expect(invoked.map((i) => i.arn).sort()).toEqual([arnOf(fn('auditor', [])), arnOf(fn('receiveInboundSms', []))]);
      const event = invoked.find((i) => i.arn.endsWith('receiveInboundSms'))!.event;
      expect(event).toEqual({
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: link.subscriptions[0].subscriptionArn,
            Sns: {
              Type: 'Notification',
              MessageId,
              TopicArn: topicArn,
              Subject: null,
              Message: '{"messageBody":"hello"}',
              Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              SignatureVersion: expect.any(String),
              Signature: expect.any(String),
              SigningCertUrl: expect.stringMatching(/^https:\/\/sns\./),
              UnsubscribeUrl: expect.stringMatching(/^https:\/\/sns\./),
              MessageAttributes: {},
            },
          },
        ],
      });

      invoked.length = 0;
      await sns.send(new PublishCommand({ TopicArn: otherTopicArn, Message: 'x', Subject: 'About x' }));
      await link.idle();
      expect(invoked).toHaveLength(1);
      expect(invoked[0].event.Records[0].Sns).toMatchObject({ Subject: 'About x', TopicArn: otherTopicArn });
    } finally {
      await link.close();
    }
    // Unsubscribed on close: a later publish reaches no closed port.
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions).toEqual([]);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after close' }));
  });

  it('acknowledges at once and runs the function asynchronously (Publish does not wait for it)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const link = await linkSnsToLambda({ config: { functions: [config().functions[0]] }, topicArnOf, arnOf, sns, invoke: () => gate });
    try {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'slow' }));
      let idle = false;
      const waiting = link.idle().then(() => (idle = true));
      await new Promise((r) => setTimeout(r, 30));
      expect(idle).toBe(false);
      release();
      await waiting;
    } finally {
      await link.close();
    }
  });

  it('retries a failing function twice more, like an asynchronous invocation, then reports it lost', async () => {
    const attempts: SnsAttempt[] = [];
    const failures: SnsDeliveryFailure[] = [];
    const started: number[] = [];
    const link = await linkSnsToLambda({
      config: { functions: [config().functions[0]] },
      topicArnOf,
      arnOf,
      sns,
      retryDelaysMs: [20, 40],
      invoke: async () => {
        started.push(Date.now());
        throw Object.assign(new Error('DynamoDB is down'), { name: 'InternalServerError' });
      },
      onAttempt: (a) => attempts.push(a),
      onFailure: (f) => failures.push(f),
    });
    try {
      const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'fails' }));
      await link.idle();
      expect(attempts.map((a) => [a.attempt, a.ok, a.errorName])).toEqual([
        [1, false, 'InternalServerError'],
        [2, false, 'InternalServerError'],
        [3, false, 'InternalServerError'],
      ]);
      expect(started[1] - started[0]).toBeGreaterThanOrEqual(15);
      expect(started[2] - started[1]).toBeGreaterThanOrEqual(35);
      expect(failures).toEqual([
        expect.objectContaining({ functionName: 'receiveInboundSms', messageId: MessageId, topicArn, attempts: 3 }),
      ]);
    } finally {
      await link.close();
    }
  });

  it('stops retrying once an attempt succeeds, with the same event each time', async () => {
    const events: SNSEvent[] = [];
    const link = await linkSnsToLambda({
      config: { functions: [config().functions[0]] },
      topicArnOf,
      arnOf,
      sns,
      retryDelaysMs: [1, 1],
      invoke: async (_arn, event) => {
        events.push(event);
        if (events.length === 1) throw new Error('transient');
      },
    });
    try {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'once more' }));
      await link.idle();
      expect(events).toHaveLength(2);
      expect(events[1]).toEqual(events[0]);
    } finally {
      await link.close();
    }
  });

  it('answers 404 for an unknown path and 400 for a body that is not JSON', async () => {
    const link = await linkSnsToLambda({
      config: { functions: [config().functions[0]] },
      topicArnOf,
      arnOf,
      sns,
      invoke: async () => undefined,
    });
    try {
      expect((await fetch(`${link.url}/sns/nobody/0`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(link.subscriptions[0].endpoint, { method: 'POST', body: 'nope' })).status).toBe(400);
    } finally {
      await link.close();
    }
  });

  it('fails clearly when an sns event does not resolve to a topic ARN', async () => {
    await expect(
      linkSnsToLambda({
        config: { functions: [fn('x', [{ arn: 'just-a-name' }])] },
        topicArnOf,
        arnOf,
        sns,
        invoke: async () => undefined,
      }),
    ).rejects.toThrow(/functions\.x: the sns event's topic resolved to "just-a-name", not an ARN/);
  });
});
