import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Callback request signing: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
 * the scheme Stripe and Slack use, so SMS providers and scripts can sign with a few lines.
 */
export const SIGNATURE_HEADER = 'x-signature';
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export function sign(secret: string, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${nowSeconds}.${rawBody}`).digest('hex');
  return `t=${nowSeconds},v1=${mac}`;
}

/** The headers and body of a signed JSON POST to the callback: the one place that builds one. */
export function signedJsonRequest(secret: string, body: unknown, nowSeconds?: number): { headers: Record<string, string>; body: string } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, raw, nowSeconds) }, body: raw };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!/^\d{1,12}$/.test(parts.t ?? '') || !/^[0-9a-f]{64}$/i.test(parts.v1 ?? '')) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
