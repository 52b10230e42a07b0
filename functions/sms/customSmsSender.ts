import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { awsErrorName, isTransientAwsError, ValidationError } from '../../lib/errors';
import { optionalEnv } from '../../lib/env';
import { logger } from '../../lib/logger';
import { PHONE_NUMBER } from '../../lib/phone';
import { deliverCode } from '../../lib/runs/deliverCode';
import { getWait } from '../../lib/runs/getWait';
import { isSyntheticUsername, syntheticUsername } from '../../lib/verify/username';
import type { WaitItem, WaitStep } from '../../lib/runs/model';
import { decryptCode, MAX_CIPHERTEXT_CHARS } from '../../lib/sms/decryptCode';
import { reportOutcome, type RouteOutcome } from '../../lib/sms/report';
import { sendTextMessage } from '../../lib/sms/sendTextMessage';
import { asObject, requiredString, type Json, type StringRule, within } from '../../lib/validate';

const ROUTE = 'custom-sender';

/**
 * The event Cognito sends a Custom SMS Sender (AWS docs, "Custom SMS sender Lambda trigger"): the
 * common trigger fields, and a request of type `customSMSSenderRequestV1` whose `code` is the
 * base64 of an AWS Encryption SDK message (KMS key = the pool's `LambdaConfig.KMSKeyID`). Cognito
 * expects nothing back.
 */
export interface CustomSmsSenderEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName?: string;
  callerContext: { awsSdkVersion: string; clientId?: string | null };
  request: {
    type: 'customSMSSenderRequestV1';
    code: string | null;
    clientMetadata?: Record<string, string> | null;
    userAttributes: Record<string, string>;
  };
  response: Record<string, never>;
}

/** What became of one event; never the code. */
export interface SenderResult {
  outcome: RouteOutcome;
  runId?: string;
  step?: WaitStep;
}

/** Which wait a code answers: the sign-up code (first sent or resent) or the MFA code. */
export const STEP_OF_TRIGGER: Readonly<Record<string, WaitStep>> = {
  CustomSMSSender_SignUp: 'SIGN_UP',
  CustomSMSSender_ResendCode: 'SIGN_UP',
  CustomSMSSender_Authentication: 'MFA',
};

/** The texts Cognito sends by default (so a forwarded code reads as the user expects). */
const TEXT_OF_TRIGGER: Readonly<Record<string, (code: string, username: string) => string>> = {
  CustomSMSSender_SignUp: (code) => `Your verification code is ${code}.`,
  CustomSMSSender_ResendCode: (code) => `Your verification code is ${code}.`,
  CustomSMSSender_VerifyUserAttribute: (code) => `Your verification code is ${code}.`,
  CustomSMSSender_UpdateUserAttribute: (code) => `Your verification code is ${code}.`,
  CustomSMSSender_Authentication: (code) => `Your authentication code is ${code}.`,
  CustomSMSSender_ForgotPassword: (code) => `Your password reset code is ${code}.`,
  // Cognito HTML-escapes reserved characters in temporary passwords; the user must see them plain.
  CustomSMSSender_AdminCreateUser: (code, username) => `Your username is ${username} and temporary password is ${unescapeHtml(code)}.`,
};

const TRIGGER_SOURCE: StringRule = { pattern: /^CustomSMSSender_[A-Za-z]+$/, min: 17, max: 64, describe: 'CustomSMSSender_<event>' };
const VERSION: StringRule = { pattern: /^[\w.-]+$/, min: 1, max: 16, describe: 'a version such as 1' };
const USERNAME: StringRule = { pattern: /^[\s\S]+$/, min: 1, max: 128, describe: 'a username' };
const CIPHERTEXT: StringRule = { pattern: /^[A-Za-z0-9+/]+={0,2}$/, min: 4, max: MAX_CIPHERTEXT_CHARS, describe: 'base64' };
/** Cognito's codes are digits; the synthetic check answers nothing else. */
const CHECK_CODE = /^\d{4,10}$/;

interface ParsedEvent {
  triggerSource: string;
  userPoolId: string;
  username?: string;
  ciphertext: string;
  phone: string;
}

/** The event as Cognito sends it, or a ValidationError naming the field and rule (never a value). */
export function parseCustomSmsSenderEvent(event: unknown): ParsedEvent {
  const root = asObject(event, 'event');
  const triggerSource = requiredString(root, 'triggerSource', TRIGGER_SOURCE);
  requiredString(root, 'version', VERSION);
  const userPoolId = requiredString(root, 'userPoolId', USER_POOL_ID);
  const username = root.userName === undefined || root.userName === null ? undefined : requiredString(root, 'userName', USERNAME);
  const request = asObject(root.request, 'request');
  if (request.type !== 'customSMSSenderRequestV1') throw new ValidationError('request.type', 'must be customSMSSenderRequestV1');
  const ciphertext = within('request', () => requiredString(request, 'code', CIPHERTEXT));
  const attributes = asObject(request.userAttributes, 'request.userAttributes');
  const phone = within('request.userAttributes', () => requiredString(attributes, 'phone_number', PHONE_NUMBER));
  return { triggerSource, userPoolId, username, ciphertext, phone };
}

/** A user the checks create; a case-insensitive pool may hand the name over in another case. */
const isSynthetic = (username: string | undefined): username is string => isSyntheticUsername(username?.toLowerCase());

/**
 * Whether the wait is for this pool's user: the user its run's Cognito call sends the code to,
 * as the wait records it (a sign-up run's per-run user, a sign-in run's standing user). Compared
 * in lower case as before: synthetic names are lower case, and a case-insensitive pool may hand
 * them over in another case.
 */
function waitsFor(wait: WaitItem, userPoolId: string, username: string): boolean {
  if (wait.username !== undefined) return wait.userPoolId === userPoolId && wait.username.toLowerCase() === username.toLowerCase();
  // A wait registered before waits recorded their user (a deploy during a run): only sign-up runs
  // were answered then, by the run's own user. TODO(next release): drop, waits last two hours at most.
  return syntheticUsername(wait.runId) === username.toLowerCase();
}

/**
 * Cognito's Custom SMS Sender: the pool sends no SMS; each code arrives here, encrypted.
 *
 * A sign-up or MFA code of a synthetic user whose phone a run waits on resumes that run (the
 * wait of that step only: a resent sign-up code never answers the MFA wait). Everything else —
 * another user, another kind of code, no run waiting — is a real person's message: it goes on as
 * an SMS through End User Messaging when FORWARD_ORIGINATION_IDENTITY names a number, and is
 * otherwise dropped, with a named log line and a metric, never silently.
 *
 * Cognito invokes this function asynchronously and Lambda retries failures, so what can never
 * succeed (a malformed event, a ciphertext that does not decrypt, a late or repeated code) returns
 * normally; only transient failures (KMS, DynamoDB, Step Functions, End User Messaging
 * throttling or 5xx) are thrown. An event still failing after Lambda's retries goes to the
 * on-failure destination, reportUndeliveredCode, which reports the code GaveUp. No code,
 * decrypted payload or clear phone number is logged.
 */
export async function customSmsSender(event: unknown): Promise<SenderResult> {
  let parsed: ParsedEvent;
  try {
    parsed = parseCustomSmsSenderEvent(event);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const root = (event ?? {}) as Json;
    // The phone, masked, ties the line to a run even when another field is what was wrong.
    const phone = (root.request as { userAttributes?: { phone_number?: unknown } } | undefined)?.userAttributes?.phone_number;
    reportOutcome(ROUTE, 'Malformed', {
      ...(typeof phone === 'string' && PHONE_NUMBER.pattern.test(phone) ? { phone } : {}),
      field: error.field,
      rule: error.rule,
      ...(typeof root.triggerSource === 'string' ? { triggerSource: root.triggerSource.slice(0, 64) } : {}),
      ...(typeof root.userPoolId === 'string' ? { userPoolId: root.userPoolId.slice(0, 55) } : {}),
    });
    return { outcome: 'Malformed' };
  }

  const { triggerSource, userPoolId, username, phone } = parsed;
  const step = STEP_OF_TRIGGER[triggerSource];
  const synthetic = isSynthetic(username);
  // A real user's username may be personal (an e-mail address): only synthetic ones are logged.
  const context = { phone, userPoolId, triggerSource, ...(synthetic ? { username } : {}) };
  const report = (outcome: RouteOutcome, details: Record<string, unknown> = {}): SenderResult => {
    reportOutcome(ROUTE, outcome, { ...context, ...details });
    return { outcome };
  };

  let code: string;
  try {
    code = await decryptCode(parsed.ciphertext, { userPoolId });
  } catch (error) {
    if (awsErrorName(error) === 'DecryptFailed') return report('DecryptFailed', { why: (error as Error).message });
    logger.warn('code not decrypted yet, Lambda will retry', { userPoolId, triggerSource, errorName: awsErrorName(error) });
    throw error;
  }

  if (step && synthetic) {
    if (!CHECK_CODE.test(code)) return report('Malformed', { field: 'request.code', rule: 'must decrypt to a numeric code' });
    let delivery: Awaited<ReturnType<typeof deliverCode>>;
    let wait: WaitItem | undefined;
    try {
      // Anyone may sign up as "synthetic-…" with the check phone's number: only the user the
      // waiting run expects answers it, and only that run's wait (runId) is answered.
      wait = await getWait(phone);
      delivery =
        wait && waitsFor(wait, userPoolId, username)
          ? await deliverCode(phone, code, { step, runId: wait.runId })
          : { outcome: 'NotWaiting' };
    } catch (error) {
      // Stored or not, the retry finds the same wait: first answer wins and resuming is idempotent.
      logger.warn('code not delivered yet, Lambda will retry', { userPoolId, triggerSource, username, errorName: awsErrorName(error) });
      throw error;
    }
    if (delivery.outcome !== 'NotWaiting') {
      reportOutcome(ROUTE, delivery.outcome, { ...context, delivery, ...('why' in delivery ? { why: delivery.why } : {}) });
      return { outcome: delivery.outcome, ...('runId' in delivery ? { runId: delivery.runId, step: delivery.step } : {}) };
    }
    // A run that waits for another user's code (or the same name in another pool) is not this code's run.
    return forward(
      parsed,
      code,
      wait ? 'the run waiting on this phone expects another user' : 'no run waits for a code on this phone',
      report,
    );
  }
  return forward(parsed, code, step ? 'not a synthetic user' : 'not a sign-up or MFA code', report);
}

/** Sends a real user's code on as the SMS Cognito would have sent, or says it is lost. */
async function forward(
  parsed: ParsedEvent,
  code: string,
  why: string,
  report: (outcome: RouteOutcome, details?: Record<string, unknown>) => SenderResult,
): Promise<SenderResult> {
  // Read per message, not once: an empty value (the stage parameter's default) means "drop".
  const originationIdentity = optionalEnv('FORWARD_ORIGINATION_IDENTITY');
  if (!originationIdentity)
    return report('Dropped', { why, forward: 'no origination identity is configured (FORWARD_ORIGINATION_IDENTITY)' });
  const text = TEXT_OF_TRIGGER[parsed.triggerSource] ?? ((c: string) => `Your code is ${c}.`);
  try {
    const { messageId } = await sendTextMessage({
      destinationPhoneNumber: parsed.phone,
      originationIdentity,
      messageBody: text(code, parsed.username ?? ''),
    });
    return report('Forwarded', { why, messageId });
  } catch (error) {
    if (isTransientAwsError(error)) {
      logger.warn('code not forwarded yet, Lambda will retry', {
        userPoolId: parsed.userPoolId,
        triggerSource: parsed.triggerSource,
        errorName: awsErrorName(error),
      });
      throw error;
    }
    // The error's name only: End User Messaging's messages may quote the destination.
    return report('Dropped', { why, forward: 'End User Messaging refused the SMS', forwardError: awsErrorName(error) ?? 'Error' });
  }
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&#x0*27;|&apos;/gi, "'")
    .replace(/&amp;/g, '&');
}

/** Cognito ignores what the function returns; nothing (least of all the code) goes back. */
export const handler = middy<unknown, void, Error, Context>(async (event: unknown) => {
  await customSmsSender(event);
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
