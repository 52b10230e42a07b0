import { UpdatePhoneNumberCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { smsVoice } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { inboundPhoneSummary, PHONE_NUMBER_ID, type InboundPhoneSummary } from '../../lib/sms/phoneNumber';
import { asObject, requiredString } from '../../lib/validate';

const inboundTopicArn = envOnce('INBOUND_SMS_TOPIC_ARN');

export interface UpdatePhoneNumberInput {
  phoneNumberId: string;
}
/** The same summary describePhoneNumber gives, after the update: a re-run reports the same thing. */
export type UpdatePhoneNumberOutput = InboundPhoneSummary;

/**
 * Points the inbound-SMS phone number's two-way channel at this stack's topic. Runs only after
 * describePhoneNumber said the channel is off (never over another channel). Other fields of the
 * input (the describe output passed along whole) are ignored. No TwoWayChannelRole: the topic
 * policy lets sms-voice.amazonaws.com publish for this account's numbers.
 */
export async function updatePhoneNumber(event: unknown): Promise<UpdatePhoneNumberOutput> {
  const phoneNumberId = requiredString(asObject(event), 'phoneNumberId', PHONE_NUMBER_ID);
  const topic = inboundTopicArn();
  const updated = await smsVoice().send(
    new UpdatePhoneNumberCommand({ PhoneNumberId: phoneNumberId, TwoWayEnabled: true, TwoWayChannelArn: topic }),
  );
  if (updated.TwoWayEnabled === false || (updated.TwoWayChannelArn !== undefined && updated.TwoWayChannelArn !== topic)) {
    throw new NamedError('Unexpected', `UpdatePhoneNumber answered for ${phoneNumberId} without two-way SMS to ${topic}`);
  }
  logger.info('inbound SMS phone number points at this stack', { phoneNumberId });
  return {
    ...inboundPhoneSummary({ TwoWayEnabled: true, TwoWayChannelArn: topic, ...updated }, phoneNumberId, topic),
    twoWay: 'this-stack',
    needsUpdate: false,
  };
}

export const handler = taskHandler(updatePhoneNumber);
