import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { NamedError } from '../errors';

/**
 * Verifies Cognito tokens (RS256 signature against the pool's JWKS, issuer, audience/client_id,
 * token_use, expiry) and returns only a summary: the tokens themselves never leave the Lambda.
 * JWKS are fetched with fetch() rather than the library's https-only fetcher, so a local
 * Cognito on http:// verifies through the same code.
 */
export interface TokenSummary {
  sub: string;
  username?: string;
  idToken: { tokenUse: 'id'; exp: number };
  accessToken: { tokenUse: 'access'; exp: number };
  refreshTokenIssued: boolean;
  issuerVerified: true;
}

/** Not being able to fetch the keys says nothing about the tokens: a failure of its own. */
class JwksUnavailable extends NamedError {
  constructor(message: string, cause: unknown) {
    super('JwksUnavailable', message, { cause });
  }
}

const fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    } catch (error) {
      throw new JwksUnavailable(`The pool's JWKS (${uri}) could not be fetched: ${(error as Error).message}`, error);
    }
    if (!response.ok) throw new JwksUnavailable(`The pool's JWKS (${uri}) answered ${response.status}`, undefined);
    return response.arrayBuffer();
  },
};
const jwksCache = new SimpleJwksCache({ fetcher });

export async function verifyTokens(opts: {
  issuer: string;
  clientId: string;
  idToken: string | undefined;
  accessToken: string | undefined;
  refreshToken: string | undefined;
}): Promise<TokenSummary> {
  const { issuer, clientId } = opts;
  if (!opts.idToken || !opts.accessToken) throw new NamedError('TokenInvalid', 'Cognito returned no IdToken or AccessToken');
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  try {
    const idVerifier = JwtVerifier.create({ issuer, audience: clientId, jwksUri }, { jwksCache });
    const accessVerifier = JwtVerifier.create({ issuer, audience: null, jwksUri }, { jwksCache });
    const id = await idVerifier.verify(opts.idToken);
    const access = await accessVerifier.verify(opts.accessToken);
    if (id.token_use !== 'id') throw new Error(`IdToken has token_use ${String(id.token_use)}`);
    if (access.token_use !== 'access') throw new Error(`AccessToken has token_use ${String(access.token_use)}`);
    if (access.client_id !== clientId) throw new Error('AccessToken client_id is not the app client');
    if (id.sub !== access.sub) throw new Error('IdToken and AccessToken name different users');
    return {
      sub: String(id.sub),
      username: typeof access.username === 'string' ? access.username : undefined,
      idToken: { tokenUse: 'id', exp: Number(id.exp) },
      accessToken: { tokenUse: 'access', exp: Number(access.exp) },
      refreshTokenIssued: Boolean(opts.refreshToken),
      issuerVerified: true,
    };
  } catch (error) {
    if (error instanceof JwksUnavailable) throw error;
    // The library's messages name claims and values, never the token itself.
    throw new NamedError('TokenInvalid', `Token verification failed: ${(error as Error).message}`, { cause: error });
  }
}
