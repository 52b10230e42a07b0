import { ValidationError } from '../errors';
import { PHONE_NUMBER } from '../phone';
import { asObject, requiredString, type StringRule } from '../validate';

/**
 * SMS events that AWS End User Messaging SMS publishes to a configuration set's event destination
 * (here an SNS topic; the JSON is the notification's `Message`). Sources:
 * - "Event types for SMS, MMS, and voice", https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html
 * - "Example SMS event data", https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
 *   (eventType, eventVersion, eventTimestamp, isFinal, originationPhoneNumber, destinationPhoneNumber,
 *   mcc/mnc (optional), messageId, messageRequestTimestamp, messageStatus, ...).
 * AWS warns that carrier events can take up to 72 hours (then UNKNOWN): a verdict never waits for them.
 */
export const SMS_EVENT_TYPES = [
  'TEXT_DELIVERED',
  'TEXT_SUCCESSFUL',
  'TEXT_QUEUED',
  'TEXT_PENDING',
  'TEXT_BLOCKED',
  'TEXT_TTL_EXPIRED',
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_INVALID',
  'TEXT_INVALID_MESSAGE',
  'TEXT_CARRIER_BLOCKED',
  'TEXT_UNREACHABLE',
  'TEXT_SPAM',
  'TEXT_UNKNOWN',
  'TEXT_PROTECT_BLOCKED',
] as const;
export type SmsEventType = (typeof SMS_EVENT_TYPES)[number];

/**
 * What a failed run's record cites (issue 18): the carrier's word for why the code did not come.
 * `Delivered`/`Accepted` are evidence too: a code that was delivered and still not answered points
 * at our side (the phone's route back), not the carrier.
 */
export type DeliveryEvidence =
  | 'Delivered'
  | 'Accepted'
  | 'InFlight'
  | 'CarrierUnreachable'
  | 'Unreachable'
  | 'Blocked'
  | 'TtlExpired'
  | 'InvalidNumber'
  | 'InvalidMessage'
  | 'Spam'
  | 'Unknown';

const EVIDENCE: Record<SmsEventType, DeliveryEvidence> = {
  TEXT_DELIVERED: 'Delivered',
  TEXT_SUCCESSFUL: 'Accepted',
  TEXT_QUEUED: 'InFlight',
  TEXT_PENDING: 'InFlight',
  TEXT_BLOCKED: 'Blocked',
  TEXT_CARRIER_BLOCKED: 'Blocked',
  TEXT_PROTECT_BLOCKED: 'Blocked',
  TEXT_TTL_EXPIRED: 'TtlExpired',
  TEXT_CARRIER_UNREACHABLE: 'CarrierUnreachable',
  TEXT_UNREACHABLE: 'Unreachable',
  TEXT_INVALID: 'InvalidNumber',
  TEXT_INVALID_MESSAGE: 'InvalidMessage',
  TEXT_SPAM: 'Spam',
  TEXT_UNKNOWN: 'Unknown',
};

/** The events that say the SMS did not reach the phone. */
const FAILURES: ReadonlySet<DeliveryEvidence> = new Set([
  'CarrierUnreachable',
  'Unreachable',
  'Blocked',
  'TtlExpired',
  'InvalidNumber',
  'InvalidMessage',
  'Spam',
  'Unknown',
]);

export const evidenceOf = (type: SmsEventType): DeliveryEvidence => EVIDENCE[type];
export const isFailureEvidence = (evidence: DeliveryEvidence): boolean => FAILURES.has(evidence);

/** One event as this stack keeps it: no text, no price; the phone only in the key of the wait. */
export interface DeliveryEvent {
  eventType: SmsEventType;
  evidence: DeliveryEvidence;
  messageId: string;
  isFinal: boolean;
  destinationPhoneNumber: string;
  /** Epoch ms: when the event was reported, and when the SMS was asked for. */
  eventTimestamp: number;
  messageRequestTimestamp?: number;
  mcc?: string;
  mnc?: string;
  messageStatus?: string;
}

/** An SNS message is at most 256 KiB; an SMS event is about 1 KB. */
export const MAX_EVENT_CHARS = 16 * 1024;

const MESSAGE_ID: StringRule = { pattern: /^[A-Za-z0-9._:/+=-]+$/, min: 1, max: 256, describe: 'letters, digits and ._:/+=-' };
const NETWORK_CODE: StringRule = { pattern: /^\d{2,3}$/, min: 2, max: 3, describe: '2-3 digits' };
const STATUS: StringRule = { pattern: /^[A-Z_]+$/, min: 1, max: 64, describe: 'capital letters and _' };

function epochMs(obj: Record<string, unknown>, field: string, required: boolean): number | undefined {
  const value = obj[field];
  if (value === undefined || value === null) {
    if (required) throw new ValidationError(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new ValidationError(field, 'must be epoch milliseconds');
  return value;
}

function optional(obj: Record<string, unknown>, field: string, rule: StringRule): string | undefined {
  return obj[field] === undefined || obj[field] === null ? undefined : requiredString(obj, field, rule);
}

/**
 * Reads one SMS event out of an SNS `Message`. A malformed event is a ValidationError naming the
 * field (never its value: the numbers are phones); an event type this stack does not know (a voice
 * or MMS event, or a type AWS adds later) is `UnknownDeliveryEvent`. Other fields are ignored.
 */
export function parseDeliveryEvent(message: unknown): DeliveryEvent {
  if (typeof message !== 'string') throw new ValidationError('Sns.Message', 'must be a string');
  if (message.length > MAX_EVENT_CHARS) throw new ValidationError('Sns.Message', `must be at most ${MAX_EVENT_CHARS} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new ValidationError('Sns.Message', 'must be JSON');
  }
  const obj = asObject(parsed, 'Sns.Message');
  const eventType = requiredString(obj, 'eventType', { pattern: /^[A-Z_]+$/, min: 1, max: 64, describe: 'capital letters and _' });
  if (!(SMS_EVENT_TYPES as readonly string[]).includes(eventType))
    throw new ValidationError('eventType', 'is not an SMS event type this stack knows');
  if (typeof obj.isFinal !== 'boolean') throw new ValidationError('isFinal', 'must be true or false');
  const event: DeliveryEvent = {
    eventType: eventType as SmsEventType,
    evidence: evidenceOf(eventType as SmsEventType),
    messageId: requiredString(obj, 'messageId', MESSAGE_ID),
    isFinal: obj.isFinal,
    destinationPhoneNumber: requiredString(obj, 'destinationPhoneNumber', PHONE_NUMBER),
    eventTimestamp: epochMs(obj, 'eventTimestamp', true)!,
  };
  const requested = epochMs(obj, 'messageRequestTimestamp', false);
  if (requested !== undefined) event.messageRequestTimestamp = requested;
  // Optional in AWS's own words ("This field is optional and might not be present").
  const mcc = optional(obj, 'mcc', NETWORK_CODE);
  const mnc = optional(obj, 'mnc', NETWORK_CODE);
  const status = optional(obj, 'messageStatus', STATUS);
  if (mcc !== undefined) event.mcc = mcc;
  if (mnc !== undefined) event.mnc = mnc;
  if (status !== undefined) event.messageStatus = status;
  return event;
}

/** AWS gives up on a carrier's final word after 72 hours; later than a day is "days late" here. */
export const LATE_EVENT_MS = 24 * 3600 * 1000;

/** How far after the SMS was asked for the event came (0 when the request time is missing). */
export const eventDelayMs = (event: DeliveryEvent): number =>
  event.messageRequestTimestamp === undefined ? 0 : Math.max(0, event.eventTimestamp - event.messageRequestTimestamp);

/** One event as the run's record keeps it (no phone, no text, no price). */
export interface RecordedDeliveryEvent {
  eventType: DeliveryEvent['eventType'];
  evidence: DeliveryEvent['evidence'];
  messageId: string;
  isFinal: boolean;
  at: string;
  mcc?: string;
  mnc?: string;
}
