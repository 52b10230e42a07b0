import { randomBytes } from 'node:crypto';
import { TWILIO_SIGNATURE_HEADER, twilioSignature } from '../../lib/twilio/signature';
import type { SmsLike } from './webhook';
import { afterDelay, observer, post } from './delivery';

export interface TwilioDeliveryOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:1234 or a deployed stage's URL. */
  apiUrl: string;
  /** The Twilio account's auth token: what the webhook verifies X-Twilio-Signature with. */
  authToken: string;
  /**
   * The URL to sign, when it differs from the URL posted to: Twilio signs the URL configured on
   * the number, and the API behind TLS termination or a custom domain sees another one (locally,
   * the API is reached over http but reconstructs https://<host><path>). Default: the URL posted to.
   */
  signedUrl?: string;
  /** Route path; defaults to /sms/twilio. */
  path?: string;
  /** How long "the network" takes; a real SMS arrives seconds after it is sent. Default 0. */
  delayMs?: number;
  /** Told the outcome of every delivery, and the exact request sent (to replay it); status 0 when there was no HTTP answer. */
  onResult?: (sms: SmsLike, status: number, body: unknown, request: TwilioRequest) => void;
  /** Gives up on an API that does not answer; default 10 s. */
  timeoutMs?: number;
  /** The sender's number, as Twilio reports it in `From`. Default a fictional 555-01xx number. */
  from?: string;
  /** `AccountSid` of the fake Twilio account. Default: random, fixed for this delivery function. */
  accountSid?: string;
}

/** One inbound-SMS webhook request, as Twilio would send it. Holds the code: never log it. */
export interface TwilioRequest {
  url: string;
  signedUrl: string;
  messageSid: string;
  headers: Record<string, string>;
  body: string;
}

/** Fictional (555-0100..0199 are reserved for fiction), never the phone under test. */
export const DEFAULT_FROM = '+12065550100';

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * Twilio's inbound-SMS form (Programmable Messaging "a message comes in" webhook), with the fields
 * and in the order Twilio sends them for an SMS to a US number. Location fields are empty where
 * Twilio does not know them, as for most numbers.
 */
export function twilioInboundForm(sms: SmsLike, opts: { messageSid?: string; from?: string; accountSid?: string } = {}): URLSearchParams {
  const messageSid = opts.messageSid ?? sid('SM');
  const country = (n: string) => (n.startsWith('+1') ? 'US' : '');
  const from = opts.from ?? DEFAULT_FROM;
  return new URLSearchParams([
    ['ToCountry', country(sms.phoneNumber)],
    ['ToState', ''],
    ['SmsMessageSid', messageSid],
    ['NumMedia', '0'],
    ['ToCity', ''],
    ['FromZip', ''],
    ['SmsSid', messageSid],
    ['FromState', ''],
    ['SmsStatus', 'received'],
    ['FromCity', ''],
    ['Body', sms.message],
    ['FromCountry', country(from)],
    ['To', sms.phoneNumber],
    ['ToZip', ''],
    ['NumSegments', '1'],
    ['MessageSid', messageSid],
    ['AccountSid', opts.accountSid ?? sid('AC')],
    ['From', from],
    ['ApiVersion', '2010-04-01'],
  ]);
}

/** The signed request Twilio would make for this SMS. */
export function twilioRequest(
  sms: SmsLike,
  opts: Omit<TwilioDeliveryOptions, 'delayMs' | 'onResult' | 'timeoutMs'> & { messageSid?: string },
): TwilioRequest {
  const url = `${opts.apiUrl.replace(/\/+$/, '')}/${(opts.path ?? '/sms/twilio').replace(/^\/+/, '')}`;
  const signedUrl = opts.signedUrl ?? url;
  const form = twilioInboundForm(sms, opts);
  const messageSid = form.get('MessageSid')!;
  return {
    url,
    signedUrl,
    messageSid,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      [TWILIO_SIGNATURE_HEADER]: twilioSignature(opts.authToken, signedUrl, form),
    },
    body: form.toString(),
  };
}

/**
 * Delivers each SMS as Twilio's inbound-SMS webhook would: a form POST signed with
 * X-Twilio-Signature, after a delay, so the whole Twilio route (signature, form, duplicate check,
 * code extraction, first answer wins, SendTaskSuccess) runs locally. Like `webhookDelivery`, it
 * never logs (the message holds the code) and reports failures to onResult instead of throwing,
 * because it runs on a timer where a throw would crash the process.
 */
export function twilioDelivery(opts: TwilioDeliveryOptions): (sms: SmsLike) => void {
  const accountSid = opts.accountSid ?? sid('AC');
  const report = observer(opts.onResult);
  return (sms) =>
    afterDelay(opts.delayMs, async () => {
      const request = twilioRequest(sms, { ...opts, accountSid });
      const answer = await post(request.url, () => request, opts.timeoutMs);
      report(sms, answer.status, answer.body, request);
    });
}
