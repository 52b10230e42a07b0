import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { optionalEnv } from '../../lib/env';
import { ValidationError } from '../../lib/errors';
import { httpErrors } from '../../lib/http/errors';
import { header, parseMediaType, rawBody } from '../../lib/http/request';
import { errorResponse, type HttpResult } from '../../lib/http/response';
import { logger } from '../../lib/logger';
import { PHONE_NUMBER } from '../../lib/phone';
import { deliverCode } from '../../lib/runs/deliverCode';
import { handleOnce } from '../../lib/runs/rememberMessage';
import { getSecret } from '../../lib/secrets/getSecret';
import { extractCode } from '../../lib/sms/extractCode';
import { keywordOf } from '../../lib/sms/keywords';
import { reportOutcome } from '../../lib/sms/report';
import { TWILIO_HOW_TO, TWILIO_ROUTE_NOT_CONFIGURED, twilioAuthTokenSecretArn } from '../../lib/sms/routeSettings';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from '../../lib/twilio/signature';

const ROUTE = 'twilio';

/** Twilio's inbound-SMS form is about 600 bytes; a 1,600-character body in UCS-2 stays far below this. */
export const MAX_BODY_BYTES = 8 * 1024;

/** Twilio's limit for a message body (a reassembled multi-segment SMS). */
export const MAX_MESSAGE_CHARS = 1600;

/** A Message resource's SID: SM (SMS) or MM (MMS) and 32 hex digits. */
const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/** The answer to every request Twilio should consider handled: do nothing, reply nothing. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const FORBIDDEN_MESSAGES = {
  missing: 'The X-Twilio-Signature header is missing.',
  malformed: 'The X-Twilio-Signature header is not a base64 HMAC-SHA1.',
  mismatch: 'The X-Twilio-Signature does not match the URL and parameters with the configured auth token.',
} as const;

/**
 * `POST /sms/twilio`: Twilio's "a message comes in" webhook for the synthetic user's Twilio number.
 * Checks run cheapest and least trusting first (media type, size, signature over URL + form), so
 * an unsigned request costs one cached secret lookup and stores nothing. Every message Twilio
 * should not send again (no run waiting, no code, a keyword, a repeat, too late) is answered 200
 * with an empty TwiML `<Response/>`, so Twilio neither retries nor texts the sender back, and is
 * reported with `reportOutcome`. Failures of AWS itself are thrown for `httpErrors` (503/500),
 * after forgetting the message so that a retry is handled, not taken for a duplicate.
 */
export async function twilioWebhook(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  // A stage deployed without twilioWebhook=true has no auth token to check signatures with: the
  // route is not there (404), said by name, before anything of the request is read or stored.
  const authTokenSecretId = twilioAuthTokenSecretArn();
  if (!authTokenSecretId) {
    logger.warn('Twilio webhook called on a stage without the Twilio route', { param: 'twilioWebhook' });
    return errorResponse(404, { code: TWILIO_ROUTE_NOT_CONFIGURED, param: 'twilioWebhook', message: TWILIO_HOW_TO });
  }
  if (!isFormUtf8(header(event, 'content-type'))) {
    reportOutcome(ROUTE, 'Malformed', { field: 'content-type', rule: 'must be application/x-www-form-urlencoded' });
    return errorResponse(415, {
      code: 'UnsupportedMediaType',
      message: 'Send the body as application/x-www-form-urlencoded (UTF-8), as Twilio does.',
    });
  }
  const bytes = rawBody(event);
  if (bytes.length > MAX_BODY_BYTES) {
    reportOutcome(ROUTE, 'TooLarge', { bytes: bytes.length });
    return errorResponse(413, {
      code: 'PayloadTooLarge',
      message: `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`,
    });
  }
  const form = new URLSearchParams(bytes.toString('utf8'));

  const signed = signedUrl(event);
  const check = verifyTwilioSignature(
    (await getSecret(authTokenSecretId)).trim(),
    header(event, TWILIO_SIGNATURE_HEADER),
    signed.url,
    form,
  );
  if (!check.ok) {
    // Which URL was checked, and where it came from, helps to fix a custom-domain set-up; its
    // query string (which may carry a token of the user's) and the signature stay out of the log.
    reportOutcome(ROUTE, 'BadSignature', { reason: check.reason, urlFrom: signed.from, checkedUrl: withoutQuery(signed.url) });
    return errorResponse(403, { code: 'Forbidden', reason: check.reason, message: FORBIDDEN_MESSAGES[check.reason] });
  }

  let message: InboundSms;
  try {
    message = parseInboundSms(form);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    reportOutcome(ROUTE, 'Malformed', { field: error.field, rule: error.rule });
    return errorResponse(400, { code: 'InvalidRequest', field: error.field, message: `${error.field} ${error.rule}` });
  }
  return receive(message);
}

export interface InboundSms {
  /** The Twilio number that received the SMS: the synthetic user's phone. */
  to: string;
  body: string;
  messageSid: string;
}

/** The fields this route needs, each present once and well-formed; Twilio's others are signed but unused. */
export function parseInboundSms(form: URLSearchParams): InboundSms {
  const to = single(form, 'To');
  if (to.length < PHONE_NUMBER.min || to.length > PHONE_NUMBER.max || !PHONE_NUMBER.pattern.test(to)) {
    throw new ValidationError('To', `must be ${PHONE_NUMBER.describe}`);
  }
  const messageSid = single(form, 'MessageSid');
  if (!MESSAGE_SID.test(messageSid)) throw new ValidationError('MessageSid', 'must be SM or MM followed by 32 hex digits');
  const body = single(form, 'Body');
  if (body.length > MAX_MESSAGE_CHARS)
    throw new ValidationError('Body', `must be at most ${MAX_MESSAGE_CHARS} characters long (got ${body.length})`);
  return { to, body, messageSid };
}

function single(form: URLSearchParams, field: string): string {
  const values = form.getAll(field);
  if (values.length === 0) throw new ValidationError(field, 'is required');
  if (values.length > 1) throw new ValidationError(field, `must appear once (got ${values.length})`);
  return values[0];
}

async function receive(sms: InboundSms): Promise<HttpResult> {
  const details = { phone: sms.to, messageSid: sms.messageSid };
  const handled = await handleOnce(ROUTE, sms.messageSid, async () => {
    const keyword = keywordOf(sms.body);
    if (keyword !== undefined) return reportOutcome(ROUTE, 'Keyword', { ...details, keyword });
    let code: string;
    try {
      code = extractCode(sms.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reportOutcome(ROUTE, 'NoCode', { ...details, rule: error.rule, chars: sms.body.length });
    }
    const delivery = await deliverCode(sms.to, code);
    reportOutcome(ROUTE, delivery.outcome, { ...details, delivery, ...('why' in delivery ? { why: delivery.why } : {}) });
  });
  if (!handled) reportOutcome(ROUTE, 'Duplicate', details);
  return twiml();
}

/**
 * The URL Twilio signed: the configured public URL (a custom domain, a base path mapping), else
 * the URL this request came to. API Gateway's rawPath includes a named stage, as the public URL does.
 */
function signedUrl(event: APIGatewayProxyEventV2): { url: string; from: 'TWILIO_WEBHOOK_URL' | 'request' } {
  const configured = optionalEnv('TWILIO_WEBHOOK_URL');
  if (configured) return { url: configured, from: 'TWILIO_WEBHOOK_URL' };
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return { url: `https://${event.requestContext.domainName}${event.rawPath}${query}`, from: 'request' };
}

/** Scheme, host and path: no credentials, no query, no fragment. */
function withoutQuery(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/?#]*@)?([^?#]*)/i.exec(url);
  return m ? `${m[1]}${m[2]}` : '(not a URL)';
}

/** Form-encoded, in UTF-8 (Twilio's charset); a charset parameter may say so. */
function isFormUtf8(contentType: string | undefined): boolean {
  const media = parseMediaType(contentType);
  if (!media || media.essence !== 'application/x-www-form-urlencoded') return false;
  const charset = media.params.charset?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

const twiml = (): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'text/xml', 'cache-control': 'no-store' },
  body: EMPTY_TWIML,
});

export const handler = middy<APIGatewayProxyEventV2, HttpResult, Error, Context>(twilioWebhook)
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  .use(httpErrors());
