import { maskPhone } from '../lib/phone';

/**
 * What a state did, shown to a person following runs (the ops CLI against a stage, and npm start
 * on the local cloud): the fields a state added or changed. Outputs hold only ids and masked data
 * by design; this still never prints a field whose name suggests a secret, masks anything shaped
 * like a phone number and cuts values short.
 */
export const SECRET_FIELD = /token|password|session|code$|secret/i;

const E164 = /\+[1-9]\d{6,14}/g;
/** Every phone number in a text, masked. */
export const maskText = (text: string) => text.replace(E164, (m) => maskPhone(m));

/** A name that may carry a secret; `tokens` itself only holds token metadata (use, expiry). */
const isSecretKey = (key: string) => key !== 'tokens' && SECRET_FIELD.test(key);

/** Deep copy without secret-looking fields, with phone numbers masked: safe for a report. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!isSecretKey(k)) out[k] = redact(v);
  return out;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Scalars (and empty containers) by dotted path; secret-looking paths left out. */
function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretKey(k)) continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, into);
    }
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}

function shortValue(v: unknown, max = 28): string {
  const text = maskText(typeof v === 'string' ? v : JSON.stringify(v));
  // ARNs and ids: the tail is what tells them apart.
  if (text.length <= max) return text;
  if (text.startsWith('arn:')) return `…${text.slice(-(max - 1))}`;
  return `${text.slice(0, max - 1)}…`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * What a state did to the data: the fields it added or changed (`path=value`) and how many it
 * dropped, e.g. `signUp.userConfirmed=false signUp.userSub=7b8c…`; `(no change)` for a state
 * whose result was discarded (`ResultPath: null`).
 */
export function stateResult(input: string | undefined, output: string | undefined, max = 80): string {
  const before = parse(input);
  const after = parse(output);
  if (after === undefined) return '';
  if (after === null || typeof after !== 'object') return clip(shortValue(after, max), max);
  const a = flatten(before);
  const b = flatten(after);
  const parts: string[] = [];
  for (const [path, v] of b) {
    if (!a.has(path) || JSON.stringify(a.get(path)) !== JSON.stringify(v)) parts.push(`${path}=${shortValue(v)}`);
  }
  const dropped = [...a.keys()].filter((p) => !b.has(p)).length;
  if (dropped) parts.push(`(−${dropped} field${dropped === 1 ? '' : 's'})`);
  if (!parts.length) return '(no change)';
  return clip(parts.join(' '), max);
}

/**
 * Like stateResult, for a line a person reads once (npm start's progress): every value whole (names
 * and ids are what a person copies), and the line cut only between fields, the rest counted:
 * `roleName=MyUserPool-SMS-Role-dev roleArn=arn:aws:iam::…:role/… (+2 more)`.
 */
export function stateResultWhole(input: string | undefined, output: string | undefined, max = 160): string {
  const before = parse(input);
  const after = parse(output);
  if (after === undefined) return '';
  if (after === null || typeof after !== 'object') return maskText(typeof after === 'string' ? after : JSON.stringify(after));
  const a = flatten(before);
  const b = flatten(after);
  const parts: string[] = [];
  for (const [path, v] of b) {
    if (!a.has(path) || JSON.stringify(a.get(path)) !== JSON.stringify(v)) {
      parts.push(`${path}=${maskText(typeof v === 'string' ? v : JSON.stringify(v))}`);
    }
  }
  const dropped = [...a.keys()].filter((p) => !b.has(p)).length;
  if (!parts.length) return dropped ? `(−${dropped} field${dropped === 1 ? '' : 's'})` : '(no change)';
  return wholeParts(parts, max, dropped);
}

/** As many whole `path=value` parts as fit in max (at least one), then how many were left out. */
function wholeParts(parts: string[], max: number, dropped: number): string {
  const shown: string[] = [];
  let length = 0;
  for (const part of parts) {
    if (shown.length > 0 && length + 1 + part.length > max) break;
    shown.push(part);
    length += (shown.length > 1 ? 1 : 0) + part.length;
  }
  const more = parts.length - shown.length;
  if (more) shown.push(`(+${more} more)`);
  if (dropped) shown.push(`(−${dropped} field${dropped === 1 ? '' : 's'})`);
  return shown.join(' ');
}

/** Cut a free text (an error's cause) at a word boundary, never inside a word or a name. */
export function clipAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1)} …`;
}

/** Kept for callers that only have an output: its scalar top-level fields. */
export function summarize(output: string | undefined, max = 70): string {
  return stateResult('{}', output, max);
}
