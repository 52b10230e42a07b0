import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand, ThrottlingException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { sendTextMessage } from './sendTextMessage';

const smsVoice = mockClient(PinpointSMSVoiceV2Client);
const message = {
  destinationPhoneNumber: '+12065550142',
  originationIdentity: 'phone-0123456789abcdef0123456789abcdef',
  messageBody: 'Your verification code is 604213.',
};
beforeEach(() => smsVoice.reset());

describe('sendTextMessage', () => {
  it('sends one transactional SMS from the origination identity and returns only the message id', async () => {
    smsVoice.on(SendTextMessageCommand).resolves({ MessageId: 'msg-1' });
    await expect(sendTextMessage(message)).resolves.toEqual({ messageId: 'msg-1' });
    expect(smsVoice).toHaveReceivedCommandTimes(SendTextMessageCommand, 1);
    expect(smsVoice).toHaveReceivedCommandWith(SendTextMessageCommand, {
      DestinationPhoneNumber: '+12065550142',
      OriginationIdentity: 'phone-0123456789abcdef0123456789abcdef',
      MessageBody: 'Your verification code is 604213.',
      MessageType: 'TRANSACTIONAL',
    });
  });

  it('lets AWS errors through by name', async () => {
    smsVoice.on(SendTextMessageCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(sendTextMessage(message)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
