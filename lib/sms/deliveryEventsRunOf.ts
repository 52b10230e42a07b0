import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runsTable, seenKey } from '../runs/model';

/**
 * `SEEN#eums-run#<messageId>`: which run an End User Messaging message belongs to, written when
 * its first event met the run's open wait. Later events of the message (carrier receipts, up to
 * 72 h later, when the wait is long gone) find their run here.
 */
export const MESSAGE_RUN_ROUTE = 'eums-run';
export const messageRunKey = (messageId: string) => seenKey(MESSAGE_RUN_ROUTE, messageId);

/** The run a message was linked to, or undefined. */
export async function runOfMessage(messageId: string): Promise<string | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: messageRunKey(messageId), ConsistentRead: true }));
  return typeof Item?.runId === 'string' ? Item.runId : undefined;
}
