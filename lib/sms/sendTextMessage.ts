import { SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { smsVoice } from '../clients';

export interface TextMessage {
  /** E.164. */
  destinationPhoneNumber: string;
  /** The End User Messaging phone number (id or ARN), sender id or pool to send from. */
  originationIdentity: string;
  messageBody: string;
}

/**
 * One SMS through AWS End User Messaging SMS (`SendTextMessage`), as a one-time-password text
 * (TRANSACTIONAL: sent on the route for time-critical messages). AWS errors propagate with their
 * names (ThrottlingException, ValidationException, ...) for the caller to tell transient from
 * final. Returns the message id only; the body holds a code.
 */
export async function sendTextMessage(message: TextMessage): Promise<{ messageId?: string }> {
  const { MessageId } = await smsVoice().send(
    new SendTextMessageCommand({
      DestinationPhoneNumber: message.destinationPhoneNumber,
      OriginationIdentity: message.originationIdentity,
      MessageBody: message.messageBody,
      MessageType: 'TRANSACTIONAL',
    }),
  );
  return { messageId: MessageId };
}
