import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { envOnce } from '../../lib/env';
import { awsErrorName, ValidationError } from '../../lib/errors';
import { httpErrors } from '../../lib/http/errors';
import { header, isJsonUtf8, rawBody } from '../../lib/http/request';
import { errorResponse, json, type HttpResult } from '../../lib/http/response';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { deliverCode } from '../../lib/runs/deliverCode';
import { reportOutcome } from '../../lib/sms/report';
import { getRun } from '../../lib/runs/getRun';
import { getSecret } from '../../lib/secrets/getSecret';
import { SIGNATURE_HEADER, verifySignature } from '../../lib/signature';
import { NoCodeInMessage, parseSubmission, type Submission } from './submission';

const ROUTE = 'callback';

const callbackSecretId = envOnce('CALLBACK_SECRET_ARN');

/** A code, a phone number and a few words fit in a few hundred bytes; 4 KiB leaves room for an SMS text. */
export const MAX_BODY_BYTES = 4096;

const UNAUTHORIZED_MESSAGES = {
  missing: `The ${SIGNATURE_HEADER} header is missing.`,
  malformed: `The ${SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<64 hex digits>.`,
  stale: 'The signature timestamp is more than 5 minutes away from now; sign the request again.',
  mismatch: 'The signature does not match the body.',
} as const;

/**
 * `POST /codes`: a delivered SMS code resumes the execution waiting for it. Checks run cheapest
 * and least trusting first (media type, size, signature over the raw body) so an unsigned
 * request costs one secret lookup at most and nothing is stored for it. Failures of AWS itself
 * are thrown, for `httpErrors` to turn into 503/500; every client mistake is answered here, and
 * reported as the other routes report theirs (`reportOutcome`): each request that may have
 * carried a code and reached no run is a lost code.
 */
export async function submitCode(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  if (!isJsonUtf8(header(event, 'content-type'))) {
    // The same outcome as the Twilio route's 415, so one query finds both.
    reportOutcome(ROUTE, 'Malformed', { field: 'content-type', rule: 'must be application/json (UTF-8)' });
    return errorResponse(415, { code: 'UnsupportedMediaType', message: 'Send the body as application/json (UTF-8).' });
  }
  const bytes = rawBody(event);
  if (bytes.length > MAX_BODY_BYTES) {
    reportOutcome(ROUTE, 'TooLarge', { bytes: bytes.length });
    return errorResponse(413, {
      code: 'PayloadTooLarge',
      message: `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`,
    });
  }
  const body = bytes.toString('utf8');

  const signature = verifySignature(await getSecret(callbackSecretId()), body, header(event, SIGNATURE_HEADER));
  if (!signature.ok) {
    // Nothing of an unsigned body is read, so the line names no phone.
    reportOutcome(ROUTE, 'BadSignature', { reason: signature.reason });
    return errorResponse(401, { code: 'Unauthorized', reason: signature.reason, message: UNAUTHORIZED_MESSAGES[signature.reason] });
  }

  let submission: Submission;
  try {
    submission = parseSubmission(body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    reportInvalid(error);
    return errorResponse(400, { code: 'InvalidRequest', field: error.field, message: `${error.field} ${error.rule}` });
  }
  return deliver(submission);
}

/** A text without a code is NoCode (a STOP or HELP text, Keyword: nothing lost), as on the other routes; anything else Malformed. */
function reportInvalid(error: ValidationError): void {
  if (!(error instanceof NoCodeInMessage)) {
    reportOutcome(ROUTE, 'Malformed', { field: error.field, rule: error.rule });
    return;
  }
  const to = error.addressee;
  const whose = to === undefined ? {} : 'phoneNumber' in to ? { phone: to.phoneNumber } : { runId: to.runId };
  if (error.keyword !== undefined) reportOutcome(ROUTE, 'Keyword', { ...whose, keyword: error.keyword });
  else reportOutcome(ROUTE, 'NoCode', { ...whose, rule: error.rule });
}

async function deliver(submission: Submission): Promise<HttpResult> {
  const runId = 'runId' in submission ? submission.runId : undefined;
  const phone = runId === undefined ? (submission as { phoneNumber: string }).phoneNumber : await phoneOfRun(runId);
  if (phone === undefined) {
    reportOutcome(ROUTE, 'NotWaiting', { runId, by: 'runId', codeFrom: submission.codeFrom, why: 'no such run' });
    return notWaiting(`No run ${runId} is waiting for a code.`);
  }
  const masked = maskPhone(phone);

  const delivery = await deliverCode(phone, submission.code, { runId });
  reportOutcome(ROUTE, delivery.outcome, {
    phone,
    delivery,
    by: runId === undefined ? 'phoneNumber' : 'runId',
    codeFrom: submission.codeFrom,
    ...('why' in delivery ? { why: delivery.why } : {}),
  });
  switch (delivery.outcome) {
    case 'Resumed':
    case 'StoredBeforeAwait':
      return json(202, { status: 'accepted', runId: delivery.runId, step: delivery.step });
    case 'NotWaiting':
    // The callback names no step, so a wait is never of the "wrong" one here.
    case 'WrongStep':
      return runId === undefined
        ? notWaiting(`Nothing waits for a code on ${masked}.`)
        : notWaiting(`Run ${runId} is not waiting for a code on ${masked}.`);
    case 'WaitExpired':
      return errorResponse(410, {
        code: 'WaitExpired',
        message: `Run ${delivery.runId} no longer waits for its ${delivery.step} code: ${delivery.why}.`,
        runId: delivery.runId,
        step: delivery.step,
      });
    case 'AlreadyAnswered':
      return errorResponse(409, {
        code: 'AlreadyAnswered',
        message: delivery.previousStep
          ? `This code already answered the step before ${delivery.step} of run ${delivery.runId}; the ${delivery.step} wait needs the new code.`
          : `The ${delivery.step} wait of run ${delivery.runId} already has its code; only the first answer counts.`,
        runId: delivery.runId,
        step: delivery.step,
      });
  }
}

/** The phone of a run, or undefined when the run does not exist (never prepared, or expired). */
async function phoneOfRun(runId: string): Promise<string | undefined> {
  try {
    return (await getRun(runId)).phoneNumber;
  } catch (error) {
    if (awsErrorName(error) === 'RunNotFound') return undefined;
    throw error;
  }
}

const notWaiting = (message: string) => errorResponse(404, { code: 'NotWaiting', message });

export const handler = middy<APIGatewayProxyEventV2, HttpResult, Error, Context>(submitCode)
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  .use(httpErrors());
