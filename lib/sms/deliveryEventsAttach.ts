import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { isAwsError } from '../errors';
import { runKey, runsTable, type RunItem } from '../runs/model';
import { isFailureEvidence, type DeliveryEvent, type RecordedDeliveryEvent } from './deliveryEvents';

/** A message has a handful of events (pending, accepted, delivered, or a failure); more is noise. */
export const MAX_EVENTS_PER_RUN = 20;

export type { RecordedDeliveryEvent } from './deliveryEvents';

/**
 * - `beforeVerdict`: the run is still running; its verdict will cite the evidence;
 * - `afterVerdict`: the verdict was written already: the event is attached, the verdict unchanged;
 * - `full`: the run has MAX_EVENTS_PER_RUN events already;
 * - `noRun`: no record of that run (expired).
 */
export type AttachOutcome = 'beforeVerdict' | 'afterVerdict' | 'full' | 'noRun';

export const recordedEvent = (e: DeliveryEvent): RecordedDeliveryEvent => ({
  eventType: e.eventType,
  evidence: e.evidence,
  messageId: e.messageId,
  isFinal: e.isFinal,
  at: new Date(e.eventTimestamp).toISOString(),
  ...(e.mcc !== undefined && { mcc: e.mcc }),
  ...(e.mnc !== undefined && { mnc: e.mnc }),
});

/**
 * Appends the event to the run's `deliveryEvents` and sets `deliveryEvidence`, the evidence a
 * failed verdict cites: a failure event always sets it (among failures the last wins), a final
 * success only when nothing is set (a later "delivered" never hides an earlier "blocked"). Only these two attributes change:
 * status, reason and cause of a finished verdict are never touched.
 */
export async function attachDeliveryEvent(runId: string, event: DeliveryEvent): Promise<AttachOutcome> {
  // A failure always sets it; a final success only where nothing is set; in-flight events never.
  const evidenceSet = isFailureEvidence(event.evidence)
    ? ', #evidence = :evidence'
    : event.isFinal
      ? ', #evidence = if_not_exists(#evidence, :evidence)'
      : '';
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: runsTable(),
        Key: runKey(runId),
        UpdateExpression: `SET #events = list_append(if_not_exists(#events, :none), :one)${evidenceSet}`,
        ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#events) OR size(#events) < :max)',
        ExpressionAttributeNames: { '#pk': 'pk', '#events': 'deliveryEvents', ...(evidenceSet && { '#evidence': 'deliveryEvidence' }) },
        ExpressionAttributeValues: {
          ':none': [],
          ':one': [recordedEvent(event)],
          ':max': MAX_EVENTS_PER_RUN,
          ...(evidenceSet && { ':evidence': event.evidence }),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return (Attributes as Partial<RunItem> | undefined)?.status === 'RUNNING' ? 'beforeVerdict' : 'afterVerdict';
  } catch (error) {
    if (!isAwsError(error, 'ConditionalCheckFailed')) throw error;
    return (error as { Item?: unknown }).Item ? 'full' : 'noRun';
  }
}
