import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SNSEvent } from 'aws-lambda';
import { awsErrorName, ValidationError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { maskPhone, PHONE_NUMBER } from '../../lib/phone';
import { deliverCode } from '../../lib/runs/deliverCode';
import { handleOnce } from '../../lib/runs/rememberMessage';
import { extractCode } from '../../lib/sms/extractCode';
import { keywordOf } from '../../lib/sms/keywords';
import { reportOutcome, type RouteOutcome } from '../../lib/sms/report';
import { asObject, requiredString, type Json, type StringRule } from '../../lib/validate';

const ROUTE = 'inbound-sms';

/**
 * What AWS End User Messaging SMS publishes to a number's two-way SNS topic, as JSON in the
 * notification's `Message` (AWS docs, "Example of a two-way SMS message payload").
 * `destinationNumber` is the number that received the SMS (the check phone), `originationNumber`
 * the one that sent it (Cognito's sender).
 */
export interface InboundSms {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword?: string;
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string;
}

/** What became of one SNS record; never the code or the text. */
export interface InboundResult {
  outcome: RouteOutcome;
  snsMessageId?: string;
  inboundMessageId?: string;
  runId?: string;
  step?: string;
}

/** An SNS message is at most 256 KiB; a two-way payload with a 1,600-character text fits in far less. */
export const MAX_MESSAGE_CHARS = 16 * 1024;

/** The sender: an E.164 number, a short code or a sender id (never used to route, only logged masked). */
const ORIGINATION: StringRule = { pattern: /^\+?[A-Za-z0-9-]+$/, min: 1, max: 20, describe: 'a phone number, short code or sender id' };
/** The text of the SMS; an empty text is a message without a code, not a malformed payload. */
const BODY: StringRule = { pattern: /^[\s\S]*$/, min: 0, max: 1600, describe: 'text' };
const MESSAGE_ID: StringRule = { pattern: /^[A-Za-z0-9._:/+=-]+$/, min: 1, max: 256, describe: 'letters, digits and ._:/+=-' };
const KEYWORD: StringRule = { pattern: /^[\s\S]*$/, min: 0, max: 64, describe: 'text' };

function optional(obj: Json, field: string, rule: StringRule): string | undefined {
  return obj[field] === undefined || obj[field] === null ? undefined : requiredString(obj, field, rule);
}

/**
 * Reads the two-way payload out of an SNS `Message`. Errors name the field and the rule, never
 * the value: the text holds a code, the numbers are phones. Fields AWS may add later are ignored.
 */
export function parseInboundSms(message: unknown): InboundSms {
  if (typeof message !== 'string') throw new ValidationError('Sns.Message', 'must be a string');
  if (message.length > MAX_MESSAGE_CHARS)
    throw new ValidationError('Sns.Message', `must be at most ${MAX_MESSAGE_CHARS} characters (got ${message.length})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    // JSON.parse's own message quotes the text, which may hold the code.
    throw new ValidationError('Sns.Message', 'must be JSON (the two-way SMS payload)');
  }
  const obj = asObject(parsed, 'Sns.Message');
  return {
    originationNumber: requiredString(obj, 'originationNumber', ORIGINATION),
    destinationNumber: requiredString(obj, 'destinationNumber', PHONE_NUMBER),
    messageKeyword: optional(obj, 'messageKeyword', KEYWORD),
    messageBody: requiredString(obj, 'messageBody', BODY),
    inboundMessageId: requiredString(obj, 'inboundMessageId', MESSAGE_ID),
    // Unused here (Cognito's SMS answers nothing we sent); checked only for type and size.
    previousPublishedMessageId: optional(obj, 'previousPublishedMessageId', { pattern: /^[\s\S]*$/, min: 0, max: 256, describe: 'text' }),
  };
}

/**
 * Two-way SMS → the waiting run. Each record ends in one named log line (`code <Outcome>`) and,
 * unless it reached a run, a `CodeNotDelivered` metric. Whatever can never succeed (malformed,
 * a duplicate, STOP/HELP, no code, nothing waiting, too late) returns normally, so SNS and
 * Lambda do not retry it; only a transient failure (DynamoDB, Step Functions) is thrown, after
 * the message is forgotten, so that the retry is handled instead of being taken for a duplicate.
 */
export async function receiveInboundSms(event: SNSEvent): Promise<InboundResult[]> {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) {
    reportOutcome(ROUTE, 'Malformed', { field: 'Records', rule: 'must be a list of SNS records' });
    return [{ outcome: 'Malformed' }];
  }
  const results: InboundResult[] = [];
  let transient: unknown;
  // SNS invokes Lambda with one record; should there be more, each is handled and a transient
  // failure of one does not stop the others (their retry is then a Duplicate).
  for (const [index, record] of records.entries()) {
    try {
      results.push(await receiveRecord(record, index));
    } catch (error) {
      transient ??= error;
    }
  }
  if (transient !== undefined) throw transient;
  return results;
}

async function receiveRecord(record: unknown, index: number): Promise<InboundResult> {
  const sns = (record as { Sns?: { MessageId?: unknown; Message?: unknown } } | null)?.Sns;
  const snsMessageId = typeof sns?.MessageId === 'string' ? sns.MessageId.slice(0, 128) : undefined;
  let sms: InboundSms;
  try {
    if (!sns || typeof sns !== 'object') throw new ValidationError(`Records[${index}].Sns`, 'must be an SNS notification');
    sms = parseInboundSms(sns.Message);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    reportOutcome(ROUTE, 'Malformed', { field: error.field, rule: error.rule, snsMessageId });
    return { outcome: 'Malformed', snsMessageId };
  }

  const { inboundMessageId, destinationNumber: phone } = sms;
  const context = { phone, from: maskPhone(sms.originationNumber), inboundMessageId, snsMessageId };
  const done = (outcome: RouteOutcome, details: Record<string, unknown> = {}): InboundResult => {
    reportOutcome(ROUTE, outcome, { ...context, ...details });
    return { outcome, snsMessageId, inboundMessageId };
  };

  try {
    const handled = await handleOnce(ROUTE, inboundMessageId, async (): Promise<InboundResult> => {
      const keyword = keywordOf(sms.messageBody, sms.messageKeyword);
      if (keyword !== undefined) return done('Keyword', { keyword });
      let code: string;
      try {
        code = extractCode(sms.messageBody);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return done('NoCode', { rule: error.rule });
      }
      const delivery = await deliverCode(phone, code);
      reportOutcome(ROUTE, delivery.outcome, { ...context, delivery, ...('why' in delivery ? { why: delivery.why } : {}) });
      return {
        outcome: delivery.outcome,
        snsMessageId,
        inboundMessageId,
        ...('runId' in delivery ? { runId: delivery.runId, step: delivery.step } : {}),
      };
    });
    return handled ? handled.result : done('Duplicate');
  } catch (error) {
    // The name only: an AWS error message may quote request values.
    logger.warn('inbound SMS not handled, Lambda will retry', { ...context, phone: maskPhone(phone), errorName: awsErrorName(error) });
    throw error;
  }
}

export const handler = middy<SNSEvent, InboundResult[], Error, Context>(receiveInboundSms).use(
  injectLambdaContext(logger, { logEvent: false, resetKeys: true }),
);
