import { logger } from '../logger';
import { publishCodeNotDelivered } from '../metrics';
import { maskPhone } from '../phone';
import type { Delivery, DeliveryOutcome } from '../runs/deliverCode';

/** How a code came back to its run (DESIGN §5a). */
export type CodeRoute = 'inbound-sms' | 'custom-sender' | 'twilio' | 'callback';

/**
 * Why a route could not hand a code to a run, besides what `deliverCode` answers. Each is final:
 * the receiver returns success for it, so SNS, Lambda or the provider never retry what can
 * never succeed.
 */
export type RouteOutcome =
  | DeliveryOutcome
  /** The request is not what the route accepts: its media type, a field (field, rule in the log line). */
  | 'Malformed'
  /** The text holds no code (or several and none follows "code"). */
  | 'NoCode'
  /** STOP, HELP and other keywords that the carrier or End User Messaging answer themselves. */
  | 'Keyword'
  /** The same message again (SNS delivers at least once; a provider may replay). */
  | 'Duplicate'
  /** The Custom SMS Sender could not decrypt the code (key policy, wrong key, bad ciphertext). */
  | 'DecryptFailed'
  /**
   * Lambda gave up on a Custom SMS Sender event: every attempt failed on a transient error (KMS,
   * DynamoDB, Step Functions or End User Messaging down), or the event grew too old to try again.
   * Reported from the function's on-failure destination (functions/sms/reportUndeliveredCode.ts).
   */
  | 'GaveUp'
  /** A message for someone who is not a waiting synthetic user, sent on as a real SMS. */
  | 'Forwarded'
  /** Such a message with no origination identity to send it from: it is lost, and said so. */
  | 'Dropped'
  /** A request whose signature does not verify (Twilio's webhook, the signed callback). */
  | 'BadSignature'
  /** A body over the route's limit, refused before it is read. */
  | 'TooLarge';

/**
 * Outcomes that lose nothing: the code reached its run, a real user's code went on as an SMS, a
 * repeat of a message already handled, a keyword the carrier answers. They are logged at info
 * and counted nowhere, so a shared pool's real users or SNS's repeats never look like failures.
 * Every other outcome is a message that may have carried a code and reached no run: a refusal
 * before the body is read (too large, forged) counts too, since a code may have been in it.
 */
const NOTHING_LOST = new Set<RouteOutcome>(['Resumed', 'StoredBeforeAwait', 'Forwarded', 'Duplicate', 'Keyword']);

export interface OutcomeDetails {
  /** Shown masked. */
  phone?: string;
  delivery?: Delivery;
  [field: string]: unknown;
}

/**
 * One named log line per message a route receives (`code <Outcome>`), and for every message that
 * was lost (see NOTHING_LOST), one `CodeNotDelivered` count. Route and outcome are fields of the EMF
 * line, not dimensions: searchable in Logs Insights, and one metric series for all routes (each
 * series is billed monthly). Never pass a code, a token or a decrypted payload in `details`.
 */
export function reportOutcome(route: CodeRoute, outcome: RouteOutcome, details: OutcomeDetails = {}): void {
  const { phone, delivery, ...rest } = details;
  const fields = {
    route,
    outcome,
    ...(phone === undefined ? {} : { phone: maskPhone(phone) }),
    ...(delivery && 'runId' in delivery ? { runId: delivery.runId, step: delivery.step } : {}),
    // Time to SMS per step, for Logs Insights (README "Monitoring"): a field, not a metric series.
    ...(delivery && 'timeToSmsMs' in delivery && delivery.timeToSmsMs !== undefined ? { timeToSmsMs: delivery.timeToSmsMs } : {}),
    ...rest,
  };
  if (NOTHING_LOST.has(outcome)) {
    logger.info(`code ${outcome}`, fields);
    return;
  }
  logger.warn(`code ${outcome}`, fields);
  publishCodeNotDelivered({ route, outcome });
}
