import { logger } from '../logger';
import { maskPhone } from '../phone';
import { getWait } from '../runs/getWait';
import { DELIVERY_EVENT_ROUTE } from '../runs/model';
import { handleOnce } from '../runs/rememberMessage';
import { eventDelayMs, LATE_EVENT_MS, type DeliveryEvent } from './deliveryEvents';
import { attachDeliveryEvent, type AttachOutcome } from './deliveryEventsAttach';
import { linkMessageToRun } from './deliveryEventsLink';
import { runOfMessage } from './deliveryEventsRunOf';

/**
 * What became of one delivery event; each is one log line `delivery event <outcome>`:
 * - `Recorded`: attached to a run that is still running (its verdict cites it);
 * - `AfterVerdict`: attached to a run whose verdict was written (evidence only, verdict unchanged);
 * - `Late`: attached, but it came more than a day after the SMS (AWS allows carriers 72 h);
 * - `Duplicate`: the same event of the same message again (SNS delivers at least once);
 * - `NoRun`: no run waits on that phone, and no earlier event of the message linked one;
 * - `RunFull`: the run has its maximum of events already;
 * - `Malformed` / `UnknownType`: not an SMS event this stack can read (handler).
 */
export type DeliveryOutcome = 'Recorded' | 'AfterVerdict' | 'Late' | 'Duplicate' | 'NoRun' | 'RunFull' | 'Malformed' | 'UnknownType';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  runId?: string;
  messageId?: string;
  eventType?: string;
}

/** A wait registered this long after the SMS was asked for is a later run's, not this message's. */
const CLOCK_SKEW_MS = 5_000;

/** One named line per event; the phone masked, never the text. */
export function reportDelivery(result: DeliveryResult, details: Record<string, unknown> = {}): void {
  const line = `delivery event ${result.outcome}`;
  const fields = { outcome: result.outcome, runId: result.runId, messageId: result.messageId, eventType: result.eventType, ...details };
  if (result.outcome === 'Recorded' || result.outcome === 'AfterVerdict' || result.outcome === 'Duplicate') logger.info(line, fields);
  else logger.warn(line, fields);
}

/**
 * Which run an event is for: the run its message was linked to by an earlier event, else the run
 * whose wait is open on the phone now, if that wait was registered before the SMS was asked for
 * (the check registers its wait before the Cognito call that sends the code).
 */
async function runFor(event: DeliveryEvent): Promise<string | undefined> {
  const linked = await runOfMessage(event.messageId);
  if (linked) return linked;
  const wait = await getWait(event.destinationPhoneNumber);
  if (!wait?.runId) return undefined;
  const requested = event.messageRequestTimestamp ?? event.eventTimestamp;
  if (wait.registeredAt > requested + CLOCK_SKEW_MS) return undefined;
  await linkMessageToRun(event.messageId, wait.runId);
  return wait.runId;
}

const OUTCOME: Record<AttachOutcome, DeliveryOutcome> = {
  beforeVerdict: 'Recorded',
  afterVerdict: 'AfterVerdict',
  full: 'RunFull',
  noRun: 'NoRun',
};

/**
 * Records one event against its run, at most once per message and event type. Never waits for
 * anything and never changes a verdict: the run's record gains the event and its evidence. A
 * transient DynamoDB error is thrown (Lambda retries the SNS delivery; the claim is dropped first).
 */
export async function recordDeliveryEvent(event: DeliveryEvent): Promise<DeliveryResult> {
  const base = { messageId: event.messageId, eventType: event.eventType };
  const details = { phone: maskPhone(event.destinationPhoneNumber), isFinal: event.isFinal, evidence: event.evidence };
  const handled = await handleOnce(DELIVERY_EVENT_ROUTE, `${event.messageId}#${event.eventType}`, async (): Promise<DeliveryResult> => {
    const runId = await runFor(event);
    if (!runId) return { ...base, outcome: 'NoRun' };
    const attached = OUTCOME[await attachDeliveryEvent(runId, event)];
    const late = eventDelayMs(event) > LATE_EVENT_MS && (attached === 'Recorded' || attached === 'AfterVerdict');
    return { ...base, runId, outcome: late ? 'Late' : attached };
  });
  const result: DeliveryResult = handled?.result ?? { ...base, outcome: 'Duplicate' };
  reportDelivery(result, {
    ...details,
    ...(result.outcome === 'Late' && { lateByHours: Math.round(eventDelayMs(event) / 360_000) / 10 }),
  });
  return result;
}
