import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { ValidationError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { PHONE_NUMBER } from '../../lib/phone';
import { reportOutcome, type RouteOutcome } from '../../lib/sms/report';
import { asObject, requiredString, type Json, type StringRule, within } from '../../lib/validate';

const ROUTE = 'custom-sender';

/**
 * What Lambda sends an asynchronous invocation's on-failure destination (Lambda developer guide,
 * "Capturing records of Lambda asynchronous invocations"): why it gave up, how often it tried, the
 * event as it was sent (here Cognito's Custom SMS Sender event, its `request.code` the ciphertext)
 * and the last error (`errorType`, `errorMessage`, `trace`; absent when the event aged out untried).
 */
export interface DestinationRecord {
  version: string;
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

/** What became of one record; never the code. */
export interface ReportResult {
  outcome: Extract<RouteOutcome, 'GaveUp' | 'Malformed'>;
}

const VERSION: StringRule = { pattern: /^[\w.-]+$/, min: 1, max: 16, describe: 'a version such as 1.0' };
/** RetriesExhausted, EventAgeExceeded, … : a word, whichever Lambda adds later. */
const CONDITION: StringRule = { pattern: /^[A-Za-z]+$/, min: 1, max: 64, describe: 'a condition such as RetriesExhausted' };
const REQUEST_ID: StringRule = { pattern: /^[\w-]+$/, min: 1, max: 128, describe: 'a request id' };
const TRIGGER_SOURCE: StringRule = { pattern: /^CustomSMSSender_[A-Za-z]+$/, min: 17, max: 64, describe: 'CustomSMSSender_<event>' };
/** The Node runtime's `errorType` is the error's name (an AWS error name, ours, or the runtime's `Sandbox.Timedout`). */
const ERROR_TYPE: StringRule = { pattern: /^[\w.:-]+$/, min: 1, max: 128, describe: 'an error name' };
/** Lambda's approximate count: 1 + its retries (0 when the event aged out before any attempt). */
const MAX_INVOKE_COUNT = 1000;

interface ParsedRecord {
  condition: string;
  attempts: number;
  senderRequestId: string;
  triggerSource: string;
  userPoolId: string;
  phone: string;
  errorName?: string;
}

/**
 * The record as Lambda sends it, or a ValidationError naming the field and rule (never a value).
 * Only what the report uses is read: never `requestPayload.request.code` (the ciphertext) nor the
 * error's message, which is free text.
 */
export function parseDestinationRecord(record: unknown): ParsedRecord {
  const root = asObject(record, 'record');
  requiredString(root, 'version', VERSION);
  const context = asObject(root.requestContext, 'requestContext');
  const condition = within('requestContext', () => requiredString(context, 'condition', CONDITION));
  // An on-success record here would be a wiring mistake, not a lost code.
  if (condition === 'Success') throw new ValidationError('requestContext.condition', 'must be a failure condition, not Success');
  const attempts = context.approximateInvokeCount;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > MAX_INVOKE_COUNT)
    throw new ValidationError('requestContext.approximateInvokeCount', `must be a whole number from 0 to ${MAX_INVOKE_COUNT}`);
  const senderRequestId = within('requestContext', () => requiredString(context, 'requestId', REQUEST_ID));

  const event = asObject(root.requestPayload, 'requestPayload');
  const triggerSource = within('requestPayload', () => requiredString(event, 'triggerSource', TRIGGER_SOURCE));
  const userPoolId = within('requestPayload', () => requiredString(event, 'userPoolId', USER_POOL_ID));
  const request = asObject(event.request, 'requestPayload.request');
  const attributes = asObject(request.userAttributes, 'requestPayload.request.userAttributes');
  const phone = within('requestPayload.request.userAttributes', () => requiredString(attributes, 'phone_number', PHONE_NUMBER));

  let errorName: string | undefined;
  if (root.responsePayload !== undefined && root.responsePayload !== null) {
    const response = asObject(root.responsePayload, 'responsePayload');
    if (response.errorType !== undefined) errorName = within('responsePayload', () => requiredString(response, 'errorType', ERROR_TYPE));
  }
  return { condition, attempts, senderRequestId, triggerSource, userPoolId, phone, ...(errorName ? { errorName } : {}) };
}

/**
 * The Custom SMS Sender's on-failure destination. The sender throws on transient errors so that
 * Lambda retries; when every attempt failed (KMS down throughout, say) or the event aged out,
 * Lambda drops the event and sends its record here. The code in it is lost — Cognito sends it
 * once — so it is said: one `code GaveUp` line (phone masked, trigger, attempts, condition, the
 * last error's name) and one `CodeNotDelivered`, as for every other code that reached no one. A
 * real user of a shared pool asks for a new code; a check fails SmsCodeNotReceived.
 *
 * A record that is not what Lambda sends is reported Malformed (field and rule) and returns
 * normally: throwing would only make Lambda retry what can never succeed.
 */
export function reportUndeliveredCode(record: unknown): ReportResult {
  let parsed: ParsedRecord;
  try {
    parsed = parseDestinationRecord(record);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const context = ((record ?? {}) as Json).requestContext as Json | undefined;
    reportOutcome(ROUTE, 'Malformed', {
      field: error.field,
      rule: error.rule,
      source: 'on-failure destination',
      ...(typeof context?.condition === 'string' ? { condition: context.condition.slice(0, 64) } : {}),
    });
    return { outcome: 'Malformed' };
  }
  const { phone, condition, attempts, errorName, triggerSource, userPoolId, senderRequestId } = parsed;
  reportOutcome(ROUTE, 'GaveUp', {
    phone,
    userPoolId,
    triggerSource,
    condition,
    attempts,
    ...(errorName ? { errorName } : {}),
    // The sender's log lines carry the same id (function_request_id): Lambda keeps it across retries.
    senderRequestId,
    why: 'Lambda gave up on the Custom SMS Sender event: the code reached no run and no phone',
  });
  return { outcome: 'GaveUp' };
}

/** Lambda ignores what a destination function returns. */
export const handler = middy<unknown, void, Error, Context>(async (record: unknown) => {
  reportUndeliveredCode(record);
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
