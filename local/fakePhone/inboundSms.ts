import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { keywordOf } from '../../lib/sms/keywords';
import type { SmsLike } from './webhook';
import { afterDelay, observer } from './delivery';

/** An SMS as the receiving number gets it; the ids can be forced to replay a delivery. */
export interface InboundSmsLike extends SmsLike {
  inboundMessageId?: string;
  previousPublishedMessageId?: string;
}

/** The two-way payload End User Messaging publishes (AWS docs, two-way SMS payload). */
export interface TwoWayPayload {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword: string;
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId: string;
}

export type InboundSmsResult =
  | { published: true; topicArn: string; snsMessageId: string; inboundMessageId: string }
  /** The receiving number has no two-way channel: the SMS reached the phone and no application. */
  | { published: false; reason: 'NoTwoWayChannel' }
  | { published: false; reason: 'PublishFailed'; error: string; message: string };

export interface InboundSmsOptions {
  /**
   * The topic two-way SMS are published to: one ARN, or the number's two-way channel looked up
   * per SMS (the local End User Messaging's `twoWayChannelOf`), undefined when two-way is off.
   */
  topicArn: string | ((phoneNumber: string) => string | undefined);
  /** The number the SMS came from (Cognito's sender), published as `originationNumber`. */
  originationNumber: string;
  /** How long "the network" takes; a real SMS arrives seconds after it is sent. Default 0. */
  delayMs?: number;
  /** Told the outcome of every delivery. */
  onResult?: (sms: InboundSmsLike, result: InboundSmsResult) => void;
  /** Default: an SNS client from the environment (AWS_ENDPOINT_URL_SNS), created at the first SMS. */
  sns?: SNSClient;
}

/** The payload for one SMS that `sms.phoneNumber` received. */
export function twoWayPayload(sms: InboundSmsLike, originationNumber: string): TwoWayPayload {
  return {
    originationNumber,
    destinationNumber: sms.phoneNumber,
    messageKeyword: keywordOf(sms.message) ?? '',
    messageBody: sms.message,
    inboundMessageId: sms.inboundMessageId ?? randomUUID(),
    previousPublishedMessageId: sms.previousPublishedMessageId ?? '',
  };
}

/**
 * Publishes one SMS as End User Messaging two-way SMS would: the JSON payload as the SNS
 * `Message` on the receiving number's topic. Never throws and never logs (the text holds a code).
 */
export async function publishInboundSms(
  opts: Omit<InboundSmsOptions, 'delayMs' | 'onResult'>,
  sms: InboundSmsLike,
): Promise<InboundSmsResult> {
  const topicArn = typeof opts.topicArn === 'function' ? opts.topicArn(sms.phoneNumber) : opts.topicArn;
  if (!topicArn) return { published: false, reason: 'NoTwoWayChannel' };
  const payload = twoWayPayload(sms, opts.originationNumber);
  const sns = opts.sns ?? new SNSClient({});
  try {
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(payload) }));
    return { published: true, topicArn, snsMessageId: MessageId ?? '', inboundMessageId: payload.inboundMessageId };
  } catch (error) {
    return {
      published: false,
      reason: 'PublishFailed',
      error: (error as Error)?.name ?? 'Error',
      message: (error as Error)?.message ?? String(error),
    };
  } finally {
    if (!opts.sns) sns.destroy();
  }
}

/**
 * The fake phone's two-way SMS route (DESIGN §5a, inbound SMS): each SMS the check phone gets is
 * published to the local topic after a delay, so that SNS → receiveInboundSms → the waiting run
 * all run for real. A failed delivery is reported to onResult, never thrown: it runs on a timer,
 * where a throw would crash the process.
 */
export function inboundSmsDelivery(opts: InboundSmsOptions): (sms: InboundSmsLike) => void {
  const report = observer(opts.onResult);
  // A client per SMS unless one is given: nothing stays open once the cloud closes.
  return (sms) => afterDelay(opts.delayMs, async () => report(sms, await publishInboundSms(opts, sms)));
}
