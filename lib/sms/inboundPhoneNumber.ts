import { DescribePhoneNumbersCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { smsVoice } from '../clients';
import { isAwsError, NamedError } from '../errors';

const cache = new Map<string, string>();

/**
 * The E.164 number of an End User Messaging phone number, by id or ARN (`DescribePhoneNumbers`):
 * the stage's inbound-SMS number, which a check uses as its phone when it names none. Read once
 * per container: a number's E.164 never changes, only whether it is still owned, and a released
 * number fails the run at SignUp or the wait anyway.
 */
export async function inboundPhoneNumber(phoneNumberId: string): Promise<string> {
  const known = cache.get(phoneNumberId);
  if (known) return known;
  let phone: string | undefined;
  try {
    const { PhoneNumbers } = await smsVoice().send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [phoneNumberId] }));
    phone = PhoneNumbers?.[0]?.PhoneNumber;
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFound')) throw error;
  }
  if (!phone) {
    throw new NamedError(
      'PhoneNumberNotFound',
      `No End User Messaging SMS phone number ${phoneNumberId} in this account and region (parameter inboundPhoneNumberId), ` +
        'so a run without phoneNumber has no phone to use: deploy with a number you own, or give phoneNumber.',
    );
  }
  cache.set(phoneNumberId, phone);
  return phone;
}
