import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SNSEvent } from 'aws-lambda';
import { ValidationError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { parseDeliveryEvent, type DeliveryEvent } from '../../lib/sms/deliveryEvents';
import { recordDeliveryEvent as record, reportDelivery, type DeliveryResult } from '../../lib/sms/deliveryEventsRecord';

/**
 * The SNS event destination of the stack's End User Messaging configuration set (smsPath eums):
 * each SMS event is recorded against the run waiting on its phone (lib/sms/deliveryEventsRecord.ts).
 * Whatever can never succeed (malformed, unknown type, a duplicate, no run) returns normally, so
 * SNS and Lambda do not retry it; only a transient failure is thrown, so that Lambda retries it.
 */
export async function recordDeliveryEvent(event: SNSEvent): Promise<DeliveryResult[]> {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) {
    const result: DeliveryResult = { outcome: 'Malformed' };
    reportDelivery(result, { field: 'Records', rule: 'must be a list of SNS records' });
    return [result];
  }
  const results: DeliveryResult[] = [];
  let transient: unknown;
  for (const [index, entry] of records.entries()) {
    try {
      results.push(await recordOne(entry, index));
    } catch (error) {
      transient ??= error;
    }
  }
  if (transient !== undefined) throw transient;
  return results;
}

async function recordOne(entry: unknown, index: number): Promise<DeliveryResult> {
  const sns = (entry as { Sns?: { Message?: unknown } } | null)?.Sns;
  let parsed: DeliveryEvent;
  try {
    if (!sns || typeof sns !== 'object') throw new ValidationError(`Records[${index}].Sns`, 'must be an SNS notification');
    parsed = parseDeliveryEvent(sns.Message);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const result: DeliveryResult = { outcome: error.field === 'eventType' ? 'UnknownType' : 'Malformed' };
    reportDelivery(result, { field: error.field, rule: error.rule });
    return result;
  }
  return record(parsed);
}

export const handler = middy<SNSEvent, DeliveryResult[], Error, Context>(recordDeliveryEvent).use(
  injectLambdaContext(logger, { logEvent: false, resetKeys: true }),
);
