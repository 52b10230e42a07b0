import { ValidationError } from '../../lib/errors';
import { PHONE_NUMBER } from '../../lib/phone';
import { asObject, noUnknownFields, type Json, type StringRule } from '../../lib/validate';
import { extractCode } from '../../lib/sms/extractCode';
import { keywordOf } from '../../lib/sms/keywords';
import { RUN_ID } from '../../lib/verify/runId';

export { RUN_ID };

/** Whose wait a submission answers: a phone's, or a run's. */
export type Addressee = { phoneNumber: string } | { runId: string };

/** What `POST /codes` accepts, once validated: who (phone or run) and the code itself. */
export type Submission = Addressee & { code: string; codeFrom: 'code' | 'message' };

/**
 * A well-formed `message` that holds no code: refused like any invalid body, but reported as the
 * other routes report such a text (NoCode, or Keyword for STOP/HELP), not as a malformed request.
 * `addressee` is there when the body names a valid one, so the report can say whose code it was.
 */
export class NoCodeInMessage extends ValidationError {
  constructor(
    rule: string,
    readonly keyword: string | undefined,
    readonly addressee: Addressee | undefined,
  ) {
    super('message', rule);
  }
}

const FIELDS = ['phoneNumber', 'runId', 'code', 'message'] as const;

/** Cognito codes are 6 digits; 4-8 covers custom message templates and other providers. */
const CODE = /^\d{4,8}$/;
/** A long concatenated SMS is 10 segments of 160 characters; anything longer is not an SMS. */
const MAX_MESSAGE_LENGTH = 1600;

/**
 * Parses and checks the body. Errors name the field and the rule, and never repeat the value:
 * a rejected value may still be a real code.
 */
export function parseSubmission(rawBody: string): Submission {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('body', rawBody.trim() === '' ? 'is empty; expected a JSON object' : 'is not valid JSON');
  }
  const body = asObject(parsed, 'body');
  noUnknownFields(body, FIELDS);

  const who = exactlyOne(body, 'phoneNumber', 'runId');
  const what = exactlyOne(body, 'code', 'message');

  // The code is checked before the addressee, so a body with both wrong names the code (as always).
  const code = what === 'code' ? checkCode(body.code) : codeIn(messageOf(body.message), () => validAddressee(body, who));
  return { ...addressee(body, who), code, codeFrom: what };
}

function addressee(body: Json, who: 'phoneNumber' | 'runId'): Addressee {
  return who === 'phoneNumber'
    ? { phoneNumber: checkString(body.phoneNumber, 'phoneNumber', PHONE_NUMBER) }
    : { runId: checkString(body.runId, 'runId', RUN_ID) };
}

function validAddressee(body: Json, who: 'phoneNumber' | 'runId'): Addressee | undefined {
  try {
    return addressee(body, who);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/** The code in the text, by the rule every route reads SMS with; the same 400 answer as ever when there is none. */
function codeIn(message: string, addresseeOf: () => Addressee | undefined): string {
  try {
    return extractCode(message);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A keyword has no digits, so it never holds a code: it only changes how the refusal is reported.
    throw new NoCodeInMessage(error.rule, keywordOf(message), addresseeOf());
  }
}

function exactlyOne<A extends string, B extends string>(body: Json, a: A, b: B): A | B {
  const hasA = body[a] !== undefined && body[a] !== null;
  const hasB = body[b] !== undefined && body[b] !== null;
  if (hasA && hasB) throw new ValidationError(a, `give either ${a} or ${b}, not both`);
  if (!hasA && !hasB) throw new ValidationError(a, `is required (or give ${b} instead)`);
  return hasA ? a : b;
}

function checkString(value: unknown, field: string, rule: StringRule): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  if (value.length < rule.min || value.length > rule.max || !rule.pattern.test(value)) {
    throw new ValidationError(field, `must be ${rule.describe} (${rule.min}-${rule.max} characters)`);
  }
  return value;
}

function checkCode(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('code', 'must be a string of 4-8 digits');
  if (!CODE.test(value)) throw new ValidationError('code', 'must be 4-8 digits');
  return value;
}

function messageOf(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('message', 'must be a string (the SMS text)');
  if (value.length === 0 || value.length > MAX_MESSAGE_LENGTH) {
    throw new ValidationError('message', `must be 1-${MAX_MESSAGE_LENGTH} characters long (got ${value.length})`);
  }
  return value;
}
