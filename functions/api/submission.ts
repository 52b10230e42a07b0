import { ValidationError } from '../../lib/errors';
import { PHONE_NUMBER } from '../../lib/phone';
import { asObject, noUnknownFields, type Json, type StringRule } from '../../lib/validate';
import { extractCode } from '../../lib/sms/extractCode';
import { RUN_ID } from '../../lib/verify/runId';

export { RUN_ID };

/** What `POST /codes` accepts, once validated: who (phone or run) and the code itself. */
export type Submission = ({ phoneNumber: string } | { runId: string }) & { code: string; codeFrom: 'code' | 'message' };

const FIELDS = ['phoneNumber', 'runId', 'code', 'message'] as const;

/** Cognito codes are 6 digits; 4-8 covers custom message templates and other providers. */
const CODE = /^\d{4,8}$/;
/** Run ids are execution names or UUIDs: never anything that needs escaping in a key. */
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

  const code = what === 'code' ? checkCode(body.code) : extractCode(messageOf(body.message));
  const codeFrom = what;
  if (who === 'phoneNumber') return { phoneNumber: checkString(body.phoneNumber, 'phoneNumber', PHONE_NUMBER), code, codeFrom };
  return { runId: checkString(body.runId, 'runId', RUN_ID), code, codeFrom };
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
