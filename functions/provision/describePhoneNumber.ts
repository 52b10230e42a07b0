import { DescribePhoneNumbersCommand, type PhoneNumberInformation } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { smsVoice } from '../../lib/clients';
import { envOnce, optionalEnv } from '../../lib/env';
import { isAwsError, NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { inboundPhoneSummary, PHONE_NUMBER_ID, type InboundPhoneSummary } from '../../lib/sms/phoneNumber';

export { PHONE_NUMBER_ID };

const inboundTopicArn = envOnce('INBOUND_SMS_TOPIC_ARN');

export type DescribePhoneNumberOutput = { configured: false } | InboundPhoneSummary;

/**
 * The inbound-SMS phone number (parameter inboundPhoneNumberId) and where its two-way SMS go.
 * Nothing configured is not an error: the stack then brings codes back by another route.
 * A number whose two-way channel is enabled and points elsewhere belongs to something else, and
 * is refused, never overwritten; so is a number that cannot receive SMS.
 */
export async function describePhoneNumber(_event?: unknown): Promise<DescribePhoneNumberOutput> {
  const configuredId = optionalEnv('INBOUND_PHONE_NUMBER_ID');
  if (configuredId === undefined) return { configured: false };
  if (configuredId.length > PHONE_NUMBER_ID.max || !PHONE_NUMBER_ID.pattern.test(configuredId)) {
    throw new NamedError(
      'InvalidPhoneNumberId',
      `The inboundPhoneNumberId parameter must be ${PHONE_NUMBER_ID.describe} ` +
        '(aws pinpoint-sms-voice-v2 describe-phone-numbers lists them).',
    );
  }

  let info: PhoneNumberInformation | undefined;
  try {
    const { PhoneNumbers } = await smsVoice().send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [configuredId] }));
    info = PhoneNumbers?.[0];
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFound')) throw notFound(configuredId, error);
    throw error;
  }
  if (!info) throw notFound(configuredId);

  const phoneNumberId = info.PhoneNumberId ?? configuredId;
  if (info.Status !== 'ACTIVE') {
    throw new NamedError(
      'PhoneNumberNotActive',
      `Phone number ${phoneNumberId} is ${info.Status ?? 'in an unknown state'}, not ACTIVE; it cannot receive SMS yet ` +
        '(a toll-free or 10DLC number becomes ACTIVE once its registration is approved).',
    );
  }
  if (!(info.NumberCapabilities ?? []).includes('SMS')) {
    throw new NamedError(
      'PhoneNumberWithoutSms',
      `Phone number ${phoneNumberId} has capabilities ${(info.NumberCapabilities ?? []).join(', ') || 'none'}, not SMS; ` +
        'the check phone must receive SMS. Choose a number with SMS capability.',
    );
  }

  const topic = inboundTopicArn();
  // A channel set to something else is someone's, even while two-way SMS is off: never taken over.
  const channel = info.TwoWayChannelArn;
  if (channel && channel !== topic) {
    throw new NamedError(
      'TwoWayChannelInUse',
      `Phone number ${phoneNumberId} already sends its inbound SMS to ${channel}, not to this stack's topic ${topic}. ` +
        'It is never overwritten: point it here yourself (aws pinpoint-sms-voice-v2 update-phone-number ' +
        `--phone-number-id ${phoneNumberId} --two-way-enabled --two-way-channel-arn ${topic}) or choose another number.`,
    );
  }
  const out = inboundPhoneSummary({ ...info, PhoneNumberId: phoneNumberId }, configuredId, topic);
  if (out.twoWay === 'off' && info.PoolId) {
    // UpdatePhoneNumber refuses a number in a pool; its two-way settings are the pool's.
    throw new NamedError(
      'PhoneNumberInPool',
      `Phone number ${phoneNumberId} belongs to pool ${info.PoolId}, whose two-way settings it shares; set the pool's ` +
        `two-way channel to ${topic} (aws pinpoint-sms-voice-v2 update-pool) or take the number out of the pool.`,
    );
  }
  logger.info('inbound SMS phone number', {
    phoneNumberId,
    phoneNumber: out.phoneNumber,
    twoWay: out.twoWay,
    needsUpdate: out.needsUpdate,
  });
  return out;
}

function notFound(id: string, cause?: unknown): NamedError {
  return new NamedError(
    'PhoneNumberNotFound',
    `No End User Messaging SMS phone number ${id} in this account and region. Set the inboundPhoneNumberId parameter to ` +
      'the id (phone-…) or ARN of a number you own (aws pinpoint-sms-voice-v2 describe-phone-numbers), or leave it empty.',
    { cause },
  );
}

export const handler = taskHandler(describePhoneNumber);
