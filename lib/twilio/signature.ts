import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signing (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the account's auth
 * token, over the full URL Twilio requested followed by every POST parameter, sorted by name, as
 * name + value with no delimiters. Values are the decoded form values, not the wire encoding.
 * A name that appears several times contributes each distinct value, sorted, as twilio-node's
 * `getExpectedTwilioSignature` does. Twilio's own docs example (auth token 12345) is this file's
 * test vector.
 */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** Form parameters as received: URLSearchParams keeps repeated names; a record may hold arrays. */
export type TwilioParams = URLSearchParams | Readonly<Record<string, string | readonly string[]>>;

/**
 * HMAC-SHA1 is 20 bytes: 28 base64 characters, the last one '=' (standard alphabet, padded), the
 * only form Twilio sends. Twilio's docs ("Validating requests", https://www.twilio.com/docs/usage/security#validating-requests)
 * compare the base64 string they describe with the header, and twilio-node's validateRequest
 * compares the two strings' bytes (scmp): a header without its '=', which would decode to the
 * same bytes, is refused as theirs refuse it.
 */
const SIGNATURE = /^[A-Za-z0-9+/]{27}=$/;

export function twilioSignature(authToken: string, url: string, params: TwilioParams = {}): string {
  return mac(authToken, url, params).toString('base64');
}

export type TwilioSignatureCheck =
  | { ok: true; /** The variant of the URL that the signature matched. */ url: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/**
 * Checks a request's X-Twilio-Signature in constant time. Like twilio-node's `validateRequest`,
 * the URL is tried as given, without its port and with the scheme's standard port (Twilio signs
 * what was configured, and `https://host/p` and `https://host:443/p` are the same endpoint); the
 * query string is used exactly as given, never re-encoded.
 */
export function verifyTwilioSignature(
  authToken: string,
  header: string | undefined,
  url: string,
  params: TwilioParams = {},
): TwilioSignatureCheck {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  // Surrounding whitespace is not part of an HTTP field value (RFC 9110, 5.5).
  const value = header.trim();
  // Refused on its shape alone, before any comparison: that says no more than its length.
  if (!SIGNATURE.test(value)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(value, 'latin1');
  // Every variant is computed and compared as a string of equal length, in constant time, so the
  // time taken does not say which came close.
  let matched: string | undefined;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(mac(authToken, candidate, params).toString('base64'), 'latin1');
    if (timingSafeEqual(given, expected) && matched === undefined) matched = candidate;
  }
  return matched === undefined ? { ok: false, reason: 'mismatch' } : { ok: true, url: matched };
}

function mac(authToken: string, url: string, params: TwilioParams): Buffer {
  const hmac = createHmac('sha1', authToken);
  hmac.update(url, 'utf8');
  const byName = valuesByName(params);
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...new Set(byName.get(name))].sort()) hmac.update(name + value, 'utf8');
  }
  return hmac.digest();
}

function valuesByName(params: TwilioParams): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  };
  if (params instanceof URLSearchParams) {
    for (const [name, value] of params) add(name, value);
  } else {
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string') add(name, value);
      else for (const v of value) add(name, v);
    }
  }
  return byName;
}

/**
 * The URL as given, without its port, and (when it names none) with the scheme's standard port.
 * String surgery rather than `new URL()`, which would re-encode characters in the query.
 */
export function urlVariants(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::(\d*))?([/?#].*)?$/is.exec(url);
  if (!m) return [url];
  const [, scheme, userinfo = '', host, port, rest = ''] = m;
  const standard = ({ 'http://': '80', 'https://': '443' } as Record<string, string>)[scheme.toLowerCase()];
  const variants = [url, `${scheme}${userinfo}${host}${rest}`];
  if (port === undefined && standard !== undefined) variants.push(`${scheme}${userinfo}${host}:${standard}${rest}`);
  return [...new Set(variants)];
}
