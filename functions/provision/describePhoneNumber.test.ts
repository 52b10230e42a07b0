import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DescribePhoneNumbersCommand,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException,
  type PhoneNumberInformation,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { describePhoneNumber, handler } from './describePhoneNumber';

const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cognito-sms-mfa-dev-inbound-sms';
const ID = 'phone-1234567890abcdef1234567890abcdef';
const ARN = `arn:aws:sms-voice:us-east-1:123456789012:phone-number/${ID}`;

const number = (over: Partial<PhoneNumberInformation> = {}): PhoneNumberInformation => ({
  PhoneNumberArn: ARN,
  PhoneNumberId: ID,
  PhoneNumber: '+12065550142',
  Status: 'ACTIVE',
  IsoCountryCode: 'US',
  MessageType: 'TRANSACTIONAL',
  NumberCapabilities: ['SMS', 'VOICE'],
  NumberType: 'TOLL_FREE',
  MonthlyLeasingPrice: '2.00',
  TwoWayEnabled: false,
  SelfManagedOptOutsEnabled: false,
  OptOutListName: 'Default',
  DeletionProtectionEnabled: false,
  CreatedTimestamp: new Date(),
  ...over,
});

beforeEach(() => {
  smsVoice.reset();
  process.env.INBOUND_PHONE_NUMBER_ID = ID;
  process.env.INBOUND_SMS_TOPIC_ARN = TOPIC;
});

describe('describePhoneNumber', () => {
  it('answers { configured: false } when no number is configured, calling nothing', async () => {
    process.env.INBOUND_PHONE_NUMBER_ID = '';
    expect(await describePhoneNumber({})).toEqual({ configured: false });
    delete process.env.INBOUND_PHONE_NUMBER_ID;
    expect(await describePhoneNumber()).toEqual({ configured: false });
    expect(smsVoice.calls()).toHaveLength(0);
  });

  it('reports a number whose two-way SMS is off as needing the update, with the number masked', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number()] });
    expect(await describePhoneNumber({})).toEqual({
      configured: true,
      phoneNumberId: ID,
      phoneNumberArn: ARN,
      phoneNumber: '+*******0142',
      twoWay: 'off',
      needsUpdate: true,
    });
    expect(smsVoice).toHaveReceivedCommandWith(DescribePhoneNumbersCommand, { PhoneNumberIds: [ID] });
  });

  it('reports a number already pointing at this stack as done (a re-run changes nothing)', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ TwoWayEnabled: true, TwoWayChannelArn: TOPIC })] });
    expect(await describePhoneNumber({})).toMatchObject({ twoWay: 'this-stack', needsUpdate: false });
  });

  it('takes the ARN as well as the id, and returns the id End User Messaging answers', async () => {
    process.env.INBOUND_PHONE_NUMBER_ID = ARN;
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number()] });
    expect(await describePhoneNumber({})).toMatchObject({ phoneNumberId: ID, phoneNumberArn: ARN });
    expect(smsVoice).toHaveReceivedCommandWith(DescribePhoneNumbersCommand, { PhoneNumberIds: [ARN] });
  });

  it('refuses a channel set elsewhere even while two-way SMS is off: someone configured it, it is never taken over', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({
      PhoneNumbers: [number({ TwoWayEnabled: false, TwoWayChannelArn: 'arn:aws:sns:us-east-1:123456789012:old' })],
    });
    await expect(describePhoneNumber({})).rejects.toMatchObject({ name: 'TwoWayChannelInUse' });
  });

  it('wires a number with two-way SMS off and no channel, or its channel already this topic but off', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ TwoWayEnabled: false })] });
    expect(await describePhoneNumber({})).toMatchObject({ twoWay: 'off', needsUpdate: true });
    smsVoice
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [number({ TwoWayEnabled: false, TwoWayChannelArn: process.env.INBOUND_SMS_TOPIC_ARN })] });
    expect(await describePhoneNumber({})).toMatchObject({ twoWay: 'off', needsUpdate: true });
  });

  it('refuses a number whose enabled two-way channel points elsewhere: TwoWayChannelInUse, never overwritten', async () => {
    const other = 'arn:aws:sns:us-east-1:123456789012:someone-elses-topic';
    smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ TwoWayEnabled: true, TwoWayChannelArn: other })] });
    const error = await describePhoneNumber({}).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'TwoWayChannelInUse' });
    expect((error as Error).message).toContain(ID);
    expect((error as Error).message).toContain(other);
    expect((error as Error).message).toContain('never overwritten');
    expect((error as Error).message).not.toContain('+12065550142');
  });

  it.each([
    [
      'PhoneNumberNotFound',
      () =>
        smsVoice
          .on(DescribePhoneNumbersCommand)
          .rejects(new ResourceNotFoundException({ message: 'not found', ResourceType: 'phone-number', ResourceId: ID, $metadata: {} })),
    ],
    ['PhoneNumberNotFound', () => smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [] })],
    ['PhoneNumberNotActive', () => smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ Status: 'PENDING' })] })],
    [
      'PhoneNumberWithoutSms',
      () => smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ NumberCapabilities: ['VOICE'] })] }),
    ],
    ['PhoneNumberInPool', () => smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [number({ PoolId: 'pool-abc' })] })],
  ])('fails with %s', async (name, arrange) => {
    arrange();
    await expect(describePhoneNumber({})).rejects.toMatchObject({ name, message: expect.stringContaining(ID) });
  });

  it('refuses a parameter that is the number itself, not its id, before calling AWS', async () => {
    process.env.INBOUND_PHONE_NUMBER_ID = '+12065550142';
    await expect(describePhoneNumber({})).rejects.toMatchObject({ name: 'InvalidPhoneNumberId' });
    expect(smsVoice.calls()).toHaveLength(0);
  });

  it('lets other AWS errors through with their names, and fails as a task with a one-line trace', async () => {
    smsVoice.on(DescribePhoneNumbersCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const error = await handler({}, {} as never).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', stack: 'ThrottlingException: Rate exceeded' });
  });
});
