import { signedJsonRequest } from '../lib/signature';

export interface SubmitResult {
  status: number;
  body: unknown;
}

/** Signs a code submission as the callback expects (`X-Signature: t=…,v1=HMAC-SHA256`, README "The signed callback") and posts it. */
export async function submitCode(url: string, secret: string, body: Record<string, string>): Promise<SubmitResult> {
  const response = await fetch(url, {
    method: 'POST',
    ...signedJsonRequest(secret, body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // API Gateway's own errors may be plain text.
  }
  return { status: response.status, body: parsed };
}
