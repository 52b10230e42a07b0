import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConflictException, PinpointSMSVoiceV2Client, UpdatePhoneNumberCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { handler, updatePhoneNumber } from './updatePhoneNumber';

const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cognito-sms-mfa-dev-inbound-sms';
const ID = 'phone-1234567890abcdef1234567890abcdef';

beforeEach(() => {
  smsVoice.reset();
  process.env.INBOUND_SMS_TOPIC_ARN = TOPIC;
});

describe('updatePhoneNumber', () => {
  it("enables two-way SMS to this stack's topic, with no role (the topic policy admits End User Messaging)", async () => {
    smsVoice.on(UpdatePhoneNumberCommand).resolves({
      PhoneNumberId: ID,
      PhoneNumberArn: `arn:aws:sms-voice:us-east-1:123456789012:phone-number/${ID}`,
      PhoneNumber: '+12065550142',
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC,
    });
    // describePhoneNumber's shape, after the update: a re-run of provisioning reports the same.
    expect(await updatePhoneNumber({ phoneNumberId: ID })).toEqual({
      configured: true,
      phoneNumberId: ID,
      phoneNumberArn: `arn:aws:sms-voice:us-east-1:123456789012:phone-number/${ID}`,
      phoneNumber: '+*******0142',
      twoWay: 'this-stack',
      needsUpdate: false,
    });
    const sent = smsVoice.commandCalls(UpdatePhoneNumberCommand)[0].args[0].input;
    expect(sent).toEqual({ PhoneNumberId: ID, TwoWayEnabled: true, TwoWayChannelArn: TOPIC });
  });

  it("accepts describePhoneNumber's whole output as input", async () => {
    smsVoice.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: ID, TwoWayEnabled: true, TwoWayChannelArn: TOPIC });
    const described = {
      configured: true,
      phoneNumberId: ID,
      phoneNumberArn: 'arn',
      phoneNumber: '+*******0142',
      twoWay: 'off',
      needsUpdate: true,
    };
    expect(await updatePhoneNumber(described)).toMatchObject({ phoneNumberId: ID, twoWay: 'this-stack', needsUpdate: false });
  });

  it.each([
    [{}, 'is required'],
    [{ phoneNumberId: '+12065550142' }, 'may contain only'],
    [{ phoneNumberId: 42 }, 'must be a string'],
    ['phone-1', 'must be a JSON object'],
  ])('rejects %p before calling AWS', async (input, rule) => {
    await expect(updatePhoneNumber(input)).rejects.toMatchObject({ name: 'ValidationError', rule: expect.stringContaining(rule) });
    expect(smsVoice.calls()).toHaveLength(0);
  });

  it('fails when End User Messaging answers without the channel it was given', async () => {
    smsVoice
      .on(UpdatePhoneNumberCommand)
      .resolves({ PhoneNumberId: ID, TwoWayEnabled: true, TwoWayChannelArn: 'arn:aws:sns:us-east-1:1:other' });
    await expect(updatePhoneNumber({ phoneNumberId: ID })).rejects.toMatchObject({ name: 'Unexpected' });
  });

  it('lets AWS errors through with their names (ConflictException for a number in a pool)', async () => {
    smsVoice
      .on(UpdatePhoneNumberCommand)
      .rejects(new ConflictException({ message: 'in a pool', Reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL', $metadata: {} }));
    const error = await handler({ phoneNumberId: ID }, {} as never).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ConflictException', stack: 'ConflictException: in a pool' });
  });
});
