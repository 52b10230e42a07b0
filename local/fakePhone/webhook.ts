import { signedJsonRequest } from '../../lib/signature';
import { afterDelay, observer, post } from './delivery';

/** What an SMS provider's inbound webhook reports: who received it and the text (FakePhone's SentSms fits). */
export interface SmsLike {
  phoneNumber: string;
  message: string;
}

export interface WebhookOptions {
  /** Base URL of the callback API, e.g. http://127.0.0.1:1234 or a deployed stage's URL. */
  apiUrl: string;
  /** Route path; defaults to /codes. */
  path?: string;
  /** The signing secret the callback verifies X-Signature with. */
  secret: string;
  /** How long "the network" takes; a real SMS arrives seconds after it is sent. Default 0. */
  delayMs?: number;
  /** Told the outcome of every delivery; status 0 when there was no HTTP answer at all. */
  onResult?: (sms: SmsLike, status: number, body: unknown) => void;
  /** Gives up on an API that does not answer; default 10 s. */
  timeoutMs?: number;
}

/**
 * Delivers each SMS to the callback API the way an SMS provider's inbound webhook would: a signed
 * `POST { phoneNumber, message }` after a delay, so the whole production path (signature, code
 * extraction, first answer wins, SendTaskSuccess) runs locally. It never logs: the message holds
 * the code. A failed delivery is reported to onResult, never thrown, because it runs on a timer
 * where a throw would crash the process.
 */
export function webhookDelivery(opts: WebhookOptions): (sms: SmsLike) => void {
  const url = `${opts.apiUrl.replace(/\/+$/, '')}/${(opts.path ?? '/codes').replace(/^\/+/, '')}`;
  const report = observer(opts.onResult);
  return (sms) =>
    afterDelay(opts.delayMs, async () => {
      const answer = await post(
        url,
        () => signedJsonRequest(opts.secret, { phoneNumber: sms.phoneNumber, message: sms.message }),
        opts.timeoutMs,
      );
      report(sms, answer.status, answer.body);
    });
}
