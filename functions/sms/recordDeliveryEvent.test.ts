import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { SNSEvent } from 'aws-lambda';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { conditionFailed } from '../../tests/support/runs';
import { AWS_EXAMPLE_EVENT } from '../../tests/support/deliveryEvents';
import { recordDeliveryEvent } from './recordDeliveryEvent';

process.env.RUNS_TABLE = 'runs-test';
const ddb = mockClient(DynamoDBDocumentClient);

const PHONE = '+14255550156';
const SENT_AT = 1_750_000_000_000;
const event = (over: Record<string, unknown> = {}) => ({
  ...AWS_EXAMPLE_EVENT,
  destinationPhoneNumber: PHONE,
  messageRequestTimestamp: SENT_AT,
  eventTimestamp: SENT_AT + 2_000,
  ...over,
});
const sns = (...messages: unknown[]): SNSEvent =>
  ({
    Records: messages.map((m) => ({
      EventSource: 'aws:sns',
      Sns: { Type: 'Notification', MessageId: 'sns-1', Message: typeof m === 'string' ? m : JSON.stringify(m) },
    })),
  }) as unknown as SNSEvent;

/** The table as the handler finds it: an open wait, a message link, and the run's status. */
function table(opts: {
  wait?: { runId: string; registeredAt: number };
  linkedRun?: string;
  runStatus?: 'RUNNING' | 'FAIL' | 'PASS' | 'none';
}) {
  ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => {
    if (input.Key.pk.startsWith('SEEN#eums-run#')) return { Item: opts.linkedRun ? { runId: opts.linkedRun } : undefined };
    if (input.Key.pk === `WAIT#${PHONE}`) return { Item: opts.wait };
    throw new Error(`unexpected GetItem ${input.Key.pk}`);
  });
  ddb.on(UpdateCommand).callsFake((input: { Key: { pk: string } }) => {
    if (!input.Key.pk.startsWith('RUN#')) return {};
    if (opts.runStatus === 'none') throw conditionFailed();
    return { Attributes: { pk: input.Key.pk, status: opts.runStatus ?? 'RUNNING' } };
  });
}

const runUpdates = () => ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.pk).startsWith('RUN#'));

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  logs = captureLogs();
});
afterEach(() => {
  const text = logs.lines.join('');
  logs.restore();
  expect(text).not.toContain(PHONE);
});
const outcomeLines = () => jsonLines(logs.lines).filter((l) => String(l.message).startsWith('delivery event '));

describe('recordDeliveryEvent', () => {
  it('records a carrier failure on the run waiting on the phone, links the message to it, and logs one line', async () => {
    table({ wait: { runId: 'run-7', registeredAt: SENT_AT - 1_000 } });
    const out = await recordDeliveryEvent(sns(event({ eventType: 'TEXT_CARRIER_UNREACHABLE', isFinal: true })));
    expect(out).toEqual([
      { outcome: 'Recorded', runId: 'run-7', messageId: AWS_EXAMPLE_EVENT.messageId, eventType: 'TEXT_CARRIER_UNREACHABLE' },
    ]);
    const update = runUpdates()[0].args[0].input;
    expect(update.Key).toEqual({ pk: 'RUN#run-7' });
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':evidence': 'CarrierUnreachable',
      ':one': [{ eventType: 'TEXT_CARRIER_UNREACHABLE', evidence: 'CarrierUnreachable', isFinal: true, mcc: '310', mnc: '800' }],
    });
    // Evidence only: the verdict's fields are never in the update.
    expect(update.UpdateExpression).not.toMatch(/status|reason|cause/);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: `SEEN#eums-run#${AWS_EXAMPLE_EVENT.messageId}`, runId: 'run-7' }),
    });
    expect(outcomeLines().map((l) => [l.message, l.phone])).toEqual([['delivery event Recorded', '+*******0156']]);
  });

  it("attaches a receipt that comes after the verdict to the run the message's first event linked, without touching the verdict", async () => {
    table({ linkedRun: 'run-7', runStatus: 'FAIL' });
    const [out] = await recordDeliveryEvent(sns(event({ eventType: 'TEXT_BLOCKED' })));
    expect(out.outcome).toBe('AfterVerdict');
    expect(ddb).not.toHaveReceivedCommandWith(GetCommand, { Key: { pk: `WAIT#${PHONE}` } });
    expect(runUpdates()[0].args[0].input.UpdateExpression).not.toMatch(/status|reason|cause/);
  });

  it('a final success never hides an earlier failure (if_not_exists), and an in-flight event sets no evidence', async () => {
    table({ linkedRun: 'run-7' });
    await recordDeliveryEvent(sns(event({ eventType: 'TEXT_DELIVERED', isFinal: true })));
    await recordDeliveryEvent(sns(event({ eventType: 'TEXT_PENDING', isFinal: false })));
    const [delivered, pending] = runUpdates().map((c) => c.args[0].input.UpdateExpression);
    expect(delivered).toContain('#evidence = if_not_exists(#evidence, :evidence)');
    expect(pending).not.toContain('#evidence');
  });

  it('a duplicate (SNS delivers at least once) changes nothing and says Duplicate', async () => {
    table({ linkedRun: 'run-7' });
    ddb.on(PutCommand).rejects(conditionFailed());
    const [out] = await recordDeliveryEvent(sns(event()));
    expect(out.outcome).toBe('Duplicate');
    expect(runUpdates()).toHaveLength(0);
    expect(outcomeLines().map((l) => l.message)).toEqual(['delivery event Duplicate']);
  });

  it('an event for a phone no run waits on is NoRun, returned (no retry)', async () => {
    table({});
    await expect(recordDeliveryEvent(sns(event()))).resolves.toEqual([expect.objectContaining({ outcome: 'NoRun' })]);
    expect(runUpdates()).toHaveLength(0);
  });

  it("a wait registered after the SMS was asked for is a later run's: NoRun, never linked to it", async () => {
    table({ wait: { runId: 'run-8', registeredAt: SENT_AT + 60_000 } });
    const [out] = await recordDeliveryEvent(sns(event()));
    expect(out.outcome).toBe('NoRun');
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ runId: 'run-8' }) });
  });

  it('an event days late is still attached, and named Late with its delay', async () => {
    table({ linkedRun: 'run-7', runStatus: 'FAIL' });
    const [out] = await recordDeliveryEvent(sns(event({ eventType: 'TEXT_TTL_EXPIRED', eventTimestamp: SENT_AT + 50 * 3600_000 })));
    expect(out.outcome).toBe('Late');
    expect(runUpdates()).toHaveLength(1);
    expect(outcomeLines()[0]).toMatchObject({ message: 'delivery event Late', lateByHours: 50 });
  });

  it('a run whose record expired is NoRun', async () => {
    table({ linkedRun: 'run-old', runStatus: 'none' });
    const [out] = await recordDeliveryEvent(sns(event()));
    expect(out.outcome).toBe('NoRun');
  });

  it.each([
    ['malformed JSON', '{', 'Malformed'],
    ['an unknown event type', { ...AWS_EXAMPLE_EVENT, eventType: 'VOICE_COMPLETED' }, 'UnknownType'],
  ])('%s: one named line, returned (no retry), no table access', async (_what, message, outcome) => {
    await expect(recordDeliveryEvent(sns(message))).resolves.toEqual([{ outcome }]);
    expect(ddb.calls()).toHaveLength(0);
    expect(outcomeLines().map((l) => l.message)).toEqual([`delivery event ${outcome}`]);
  });

  it('no Records at all: Malformed', async () => {
    await expect(recordDeliveryEvent({} as SNSEvent)).resolves.toEqual([{ outcome: 'Malformed' }]);
  });

  it('a transient DynamoDB error is thrown (Lambda retries) after the claim is dropped', async () => {
    table({ linkedRun: 'run-7' });
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(recordDeliveryEvent(sns(event()))).rejects.toThrow('throttled');
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: `SEEN#eums#${AWS_EXAMPLE_EVENT.messageId}#TEXT_SUCCESSFUL` } });
  });
});
