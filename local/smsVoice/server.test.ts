import {
  ConflictException,
  DescribePhoneNumbersCommand,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException,
  SendTextMessageCommand,
  UpdatePhoneNumberCommand,
  ValidationException,
  paginateDescribePhoneNumbers,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { startSmsVoiceServer, type SentText, type SmsVoiceServer } from './server';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cognito-sms-mfa-local-inbound-sms';
const CHECK_PHONE = '+12065550142';
const SENDER = '+18445550199';

let server: SmsVoiceServer;
let client: PinpointSMSVoiceV2Client;

beforeEach(async () => {
  server = await startSmsVoiceServer({
    phoneNumbers: [
      { phoneNumber: CHECK_PHONE, phoneNumberId: 'phone-check' },
      {
        phoneNumber: SENDER,
        phoneNumberId: 'phone-sender',
        twoWayEnabled: true,
        twoWayChannelArn: 'arn:aws:sns:us-east-1:123456789012:elsewhere',
      },
      { phoneNumber: '+12065550143', phoneNumberId: 'phone-voice', numberCapabilities: ['VOICE'] },
      { phoneNumber: '+12065550144', phoneNumberId: 'phone-pooled', poolId: 'pool-1' },
    ],
  });
  client = new PinpointSMSVoiceV2Client({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(async () => {
  client.destroy();
  await server.close();
});

describe('local End User Messaging SMS (real SDK client, JSON 1.0)', () => {
  it('describes a seeded number by id and by ARN, shaped as PhoneNumberInformation', async () => {
    const byId = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: ['phone-check'] }));
    expect(byId.PhoneNumbers).toEqual([
      expect.objectContaining({
        PhoneNumberId: 'phone-check',
        PhoneNumberArn: 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-check',
        PhoneNumber: CHECK_PHONE,
        Status: 'ACTIVE',
        NumberCapabilities: ['SMS', 'VOICE'],
        TwoWayEnabled: false,
        CreatedTimestamp: expect.any(Date),
      }),
    ]);
    const byArn = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [byId.PhoneNumbers![0].PhoneNumberArn!] }));
    expect(byArn.PhoneNumbers![0].PhoneNumberId).toBe('phone-check');
  });

  it('lists, filters and pages like the service', async () => {
    const all = await client.send(new DescribePhoneNumbersCommand({}));
    expect(all.PhoneNumbers).toHaveLength(4);
    const twoWay = await client.send(new DescribePhoneNumbersCommand({ Filters: [{ Name: 'two-way-enabled', Values: ['true'] }] }));
    expect(twoWay.PhoneNumbers!.map((n) => n.PhoneNumberId)).toEqual(['phone-sender']);
    const ids: string[] = [];
    for await (const page of paginateDescribePhoneNumbers({ client, pageSize: 3 }, {}))
      ids.push(...page.PhoneNumbers!.map((n) => n.PhoneNumberId!));
    expect(ids).toEqual(['phone-check', 'phone-sender', 'phone-voice', 'phone-pooled']);
  });

  it('answers an unknown number with ResourceNotFoundException, as the SDK models it', async () => {
    const error = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: ['phone-nope'] })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      ResourceType: 'phone-number',
      ResourceId: 'phone-nope',
      $fault: 'client',
    });
    expect(error.message).toContain('phone-nope');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses a malformed id (the number itself) with ValidationException and the field', async () => {
    const error = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [CHECK_PHONE] })).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: 'FIELD_VALIDATION_FAILED', Fields: [expect.objectContaining({ Name: 'PhoneNumberIds.0' })] });
  });

  it('points a number at a topic with UpdatePhoneNumber, and says where its inbound SMS go', async () => {
    expect(server.twoWayChannelOf(CHECK_PHONE)).toBeUndefined();
    const updated = await client.send(
      new UpdatePhoneNumberCommand({ PhoneNumberId: 'phone-check', TwoWayEnabled: true, TwoWayChannelArn: TOPIC }),
    );
    expect(updated).toMatchObject({ PhoneNumberId: 'phone-check', TwoWayEnabled: true, TwoWayChannelArn: TOPIC });
    expect(server.twoWayChannelOf(CHECK_PHONE)).toBe(TOPIC);
    const described = await client.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: ['phone-check'] }));
    expect(described.PhoneNumbers![0]).toMatchObject({ TwoWayEnabled: true, TwoWayChannelArn: TOPIC });
    await client.send(new UpdatePhoneNumberCommand({ PhoneNumberId: 'phone-check', TwoWayEnabled: false }));
    expect(server.twoWayChannelOf(CHECK_PHONE)).toBeUndefined();
  });

  it('refuses UpdatePhoneNumber for a number in a pool, an unknown number, and two-way without a channel', async () => {
    await expect(
      client.send(new UpdatePhoneNumberCommand({ PhoneNumberId: 'phone-pooled', TwoWayEnabled: true, TwoWayChannelArn: TOPIC })),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      client.send(new UpdatePhoneNumberCommand({ PhoneNumberId: 'phone-nope', TwoWayEnabled: true, TwoWayChannelArn: TOPIC })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new UpdatePhoneNumberCommand({ PhoneNumberId: 'phone-check', TwoWayEnabled: true }))).rejects.toMatchObject({
      name: 'ValidationException',
      Reason: 'TWO_WAY_CHANNEL_NOT_PRESENT',
    });
  });

  it('sends a text: records it and tells listeners (a failing listener does not fail the send)', async () => {
    const heard: SentText[] = [];
    server.onText(() => {
      throw new Error('listener bug');
    });
    const stop = server.onText((t) => heard.push(t));
    const { MessageId } = await client.send(
      new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE, OriginationIdentity: SENDER, MessageBody: 'Your code is 604213' }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(heard).toEqual([
      expect.objectContaining({
        messageId: MessageId,
        destinationPhoneNumber: CHECK_PHONE,
        originationNumber: SENDER,
        messageBody: 'Your code is 604213',
      }),
    ]);
    expect(server.texts).toHaveLength(1);
    stop();
    await client.send(
      new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE, OriginationIdentity: 'phone-sender', MessageBody: 'again' }),
    );
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE, MessageBody: 'dry', DryRun: true }));
    expect(heard).toHaveLength(1);
    expect(server.texts.map((t) => t.messageBody)).toEqual(['Your code is 604213', 'again']);
  });

  it('refuses to send from an unknown or voice-only number, or without a body', async () => {
    await expect(
      client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE, OriginationIdentity: 'phone-nope', MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(
        new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE, OriginationIdentity: 'phone-voice', MessageBody: 'x' }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      Reason: 'NUMBER_CAPABILITIES_MISMATCH',
    });
    await expect(client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CHECK_PHONE }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      client.send(new SendTextMessageCommand({ DestinationPhoneNumber: 'not a number', MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(server.texts).toHaveLength(0);
  });

  it('is found through AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2, as handlers find it', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2;
    process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 = server.url;
    const fromEnv = new PinpointSMSVoiceV2Client({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const out = await fromEnv.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: ['phone-check'] }));
      expect(out.PhoneNumbers![0].PhoneNumber).toBe(CHECK_PHONE);
    } finally {
      fromEnv.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2;
      else process.env.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 = saved;
    }
  });

  it('answers an unknown operation and a non-JSON body with AWS-shaped errors', async () => {
    const unknown = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'PinpointSMSVoiceV2.RequestPhoneNumber', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: expect.stringMatching(/#UnknownOperationException$/) });
    const bad = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'PinpointSMSVoiceV2.DescribePhoneNumbers' },
      body: '{',
    });
    expect(await bad.json()).toMatchObject({ __type: expect.stringMatching(/#SerializationException$/) });
  });

  it('refuses to seed the same number twice, or one that is not E.164', () => {
    expect(() => server.addPhoneNumber({ phoneNumber: CHECK_PHONE })).toThrow(/seeded twice/);
    expect(() => server.addPhoneNumber({ phoneNumber: '12065550100' })).toThrow(/E\.164/);
    expect(server.addPhoneNumber({ phoneNumber: '+12065550100' }).PhoneNumberId).toMatch(/^phone-[0-9a-f]{32}$/);
  });
});
