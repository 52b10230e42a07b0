import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';

/**
 * Test helper: a pool's token issuer for unit tests. Signs real RS256 JWTs and serves their JWKS
 * at `<endpoint>/<pool>/.well-known/jwks.json`, with the Cognito endpoint variable pointed at it,
 * so lib/cognito/issuer.ts derives this issuer and verification is not mocked. Call in a describe
 * or at file level: it registers its own beforeAll/afterAll.
 */
export function tokenIssuerInFile(pool: string) {
  const KID = 'k1';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jwt = (payload: Record<string, unknown>) => {
    const data = `${b64({ alg: 'RS256', kid: KID, typ: 'JWT' })}.${b64(payload)}`;
    return `${data}.${sign('RSA-SHA256', Buffer.from(data), privateKey).toString('base64url')}`;
  };
  let server: Server;
  const state = { issuer: '' };
  const saved = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
  beforeAll(async () => {
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      if (req.url === `/${pool}/.well-known/jwks.json`)
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = endpoint;
    state.issuer = `${endpoint}/${pool}`;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
    else process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = saved;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const exp = () => Math.floor(Date.now() / 1000) + 3600;
  /** An ID and access token pair for `user` (sub, username claim) issued to `clientId`, with overrides. */
  const tokens = (
    user: { sub: string; username: string },
    clientId: string,
    over: { id?: Record<string, unknown>; access?: Record<string, unknown> } = {},
  ) => ({
    IdToken: jwt({
      sub: user.sub,
      aud: clientId,
      iss: state.issuer,
      token_use: 'id',
      'cognito:username': user.username,
      exp: exp(),
      iat: exp() - 3600,
      ...over.id,
    }),
    AccessToken: jwt({
      sub: user.sub,
      client_id: clientId,
      iss: state.issuer,
      token_use: 'access',
      username: user.username,
      exp: exp(),
      iat: exp() - 3600,
      ...over.access,
    }),
  });
  return { tokens, jwt, issuer: () => state.issuer };
}
