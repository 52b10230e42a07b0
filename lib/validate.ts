import { ValidationError } from './errors';

/** A small, dependency-free validator: each check names the field and the rule it broke. */
export type Json = Record<string, unknown>;

export function asObject(value: unknown, field = 'input'): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(field, 'must be a JSON object');
  }
  return value as Json;
}

export interface StringRule {
  pattern: RegExp;
  min: number;
  max: number;
  /** Human wording of the pattern, used in the error. */
  describe: string;
}

export function optionalString(obj: Json, field: string, rule: StringRule, fallback: string): string {
  const value = obj[field];
  if (value === undefined || value === null) return fallback;
  return checkString(value, field, rule);
}

export function requiredString(obj: Json, field: string, rule: StringRule): string {
  const value = obj[field];
  if (value === undefined || value === null) throw new ValidationError(field, 'is required');
  return checkString(value, field, rule);
}

function checkString(value: unknown, field: string, rule: StringRule): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  if (value.length < rule.min || value.length > rule.max) {
    throw new ValidationError(field, `must be ${rule.min}-${rule.max} characters long (got ${value.length})`);
  }
  if (!rule.pattern.test(value)) throw new ValidationError(field, `may contain only ${rule.describe}`);
  return value;
}

/** Reject fields we do not know, so a typo (`rolename`) fails instead of silently using a default. */
export function noUnknownFields(obj: Json, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${prefix}${key}`, `is not a known field (expected one of: ${allowed.join(', ')})`);
    }
  }
}

/** Reads a nested object's fields, naming a refused one by its whole path (`request.code`, not `code`). */
export function within<T>(prefix: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prefix}.${error.field}`, error.rule);
    throw error;
  }
}
