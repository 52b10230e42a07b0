import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateSMSSandboxPhoneNumberCommand,
  GetSMSSandboxAccountStatusCommand,
  ListSMSSandboxPhoneNumbersCommand,
  SNSClient,
  VerifySMSSandboxPhoneNumberCommand,
} from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_SENDER_NUMBER, startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { publishInboundSms } from '../../../local/fakePhone/inboundSms';
import { verifySandboxPhone } from '../../../cli/sandbox';

/**
 * `cogcheck sms-sandbox-verify`: the one-time password comes back through the stack's real
 * inbound route (two-way payload → local topic → receiveInboundSms → the wait), on the local
 * cloud. moto has no SMS sandbox API, so only those four SNS calls are stood in for, by a mock
 * of one SNS client whose CreateSMSSandboxPhoneNumber "texts" the password to the phone.
 */
let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
const PHONE = '+15555550177';
const PASSWORD = '482913';

beforeAll(async () => {
  cloud = await startLocalCloud({ codeSource: 'none' });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, 60_000);
afterAll(async () => {
  db?.destroy();
  await cloud?.close();
});

function sandboxSns(opts: { inSandbox: boolean; verified?: boolean; sendPassword?: boolean }) {
  const client = new SNSClient({});
  const sns = mockClient(client);
  sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: opts.inSandbox });
  sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: opts.verified ? [{ PhoneNumber: PHONE, Status: 'Verified' }] : [] });
  sns.on(CreateSMSSandboxPhoneNumberCommand).callsFake(async () => {
    if (opts.sendPassword !== false) {
      // As SNS does: an SMS to the phone, which End User Messaging publishes to the stack's topic.
      const result = await publishInboundSms(
        { topicArn: cloud.refs.InboundSmsTopic, originationNumber: LOCAL_SENDER_NUMBER },
        { phoneNumber: PHONE, message: `Your Amazon SNS one-time password is ${PASSWORD}.` },
      );
      if (!result.published) throw new Error(`publish failed: ${JSON.stringify(result)}`);
    }
    return {};
  });
  sns.on(VerifySMSSandboxPhoneNumberCommand).resolves({});
  return { client, sns };
}

it('verifies the phone with the password that came back through the inbound route, and never prints it', async () => {
  const { client, sns } = sandboxSns({ inSandbox: true });
  const lines: string[] = [];
  await expect(verifySandboxPhone({ phone: PHONE, log: (l) => lines.push(l), sns: client, pollMs: 20 })).resolves.toBe('Verified');
  expect(sns.commandCalls(CreateSMSSandboxPhoneNumberCommand)[0].args[0].input).toEqual({ PhoneNumber: PHONE, LanguageCode: 'en-US' });
  expect(sns.commandCalls(VerifySMSSandboxPhoneNumberCommand)[0].args[0].input).toEqual({ PhoneNumber: PHONE, OneTimePassword: PASSWORD });
  expect(lines.join('\n')).not.toContain(PASSWORD);
  expect(lines.join('\n')).not.toContain(PHONE);
  // The wait is closed and holds no password at rest.
  const { Item } = await db.send(new GetCommand({ TableName: cloud.refs.RunsTable, Key: { pk: `WAIT#${PHONE}` }, ConsistentRead: true }));
  expect(Item).toMatchObject({ step: 'SANDBOX' });
  expect(Item!.code).toBeUndefined();
  expect(Item!.expiresAt).toBeLessThanOrEqual(Date.now());
});

it('does nothing out of the sandbox, or for a number already verified', async () => {
  const out = sandboxSns({ inSandbox: false });
  await expect(verifySandboxPhone({ phone: PHONE, log: () => undefined, sns: out.client })).resolves.toBe('NotInSandbox');
  const done = sandboxSns({ inSandbox: true, verified: true });
  await expect(verifySandboxPhone({ phone: PHONE, log: () => undefined, sns: done.client })).resolves.toBe('AlreadyVerified');
  for (const { sns } of [out, done]) expect(sns.commandCalls(CreateSMSSandboxPhoneNumberCommand)).toHaveLength(0);
});

it('names what to check when no password comes back, and frees the phone', async () => {
  const { client, sns } = sandboxSns({ inSandbox: true, sendPassword: false });
  await expect(
    verifySandboxPhone({ phone: PHONE, log: () => undefined, sns: client, timeoutSeconds: 1, pollMs: 50 }),
  ).rejects.toMatchObject({
    name: 'SandboxPasswordNotReceived',
    message: expect.stringContaining('inboundPhoneNumberId'),
  });
  expect(sns.commandCalls(VerifySMSSandboxPhoneNumberCommand)).toHaveLength(0);
  const { Item } = await db.send(new GetCommand({ TableName: cloud.refs.RunsTable, Key: { pk: `WAIT#${PHONE}` }, ConsistentRead: true }));
  expect(Item!.expiresAt).toBeLessThanOrEqual(Date.now());
});

it('waits its turn: a phone leased by a running check is not touched (PhoneBusy), no password is requested', async () => {
  const phone = '+15555550178';
  const { takeLease } = await import('../../../lib/runs/takeLease');
  await takeLease(phone, 'a-running-check', 60);
  const { client, sns } = sandboxSns({ inSandbox: true });
  await expect(verifySandboxPhone({ phone, log: () => undefined, sns: client })).rejects.toMatchObject({ name: 'PhoneBusy' });
  expect(sns.commandCalls(CreateSMSSandboxPhoneNumberCommand)).toHaveLength(0);
  const { Item } = await db.send(new GetCommand({ TableName: cloud.refs.RunsTable, Key: { pk: `LEASE#${phone}` }, ConsistentRead: true }));
  expect(Item).toMatchObject({ runId: 'a-running-check' });
});
