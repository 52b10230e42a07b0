import type { PhoneNumberInformation, UpdatePhoneNumberResult } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { maskPhone } from '../phone';
import type { StringRule } from '../validate';

/** End User Messaging's `PhoneNumberIdOrArn`: `phone-…` or the number's ARN (never the number itself). */
export const PHONE_NUMBER_ID: StringRule = {
  pattern: /^[A-Za-z0-9_:/-]+$/,
  min: 1,
  max: 256,
  describe: 'the phone number id (phone-…) or its ARN, not the number itself',
};

/** The inbound-SMS number as provisioning reports it, before (describe) and after (update) wiring. */
export interface InboundPhoneSummary {
  configured: true;
  phoneNumberId: string;
  phoneNumberArn: string;
  /** Masked, as everywhere in state and logs. */
  phoneNumber: string;
  /** Whether inbound SMS reach this stack's topic already. */
  twoWay: 'this-stack' | 'off';
  needsUpdate: boolean;
}

/** One summary for what DescribePhoneNumbers and UpdatePhoneNumber answer, so a re-run reports the same thing. */
export function inboundPhoneSummary(
  info: PhoneNumberInformation | UpdatePhoneNumberResult,
  fallbackId: string,
  topicArn: string,
): InboundPhoneSummary {
  const twoWay = info.TwoWayEnabled === true && info.TwoWayChannelArn === topicArn ? 'this-stack' : 'off';
  return {
    configured: true,
    phoneNumberId: info.PhoneNumberId ?? fallbackId,
    phoneNumberArn: info.PhoneNumberArn ?? fallbackId,
    phoneNumber: maskPhone(info.PhoneNumber ?? ''),
    twoWay,
    needsUpdate: twoWay !== 'this-stack',
  };
}
