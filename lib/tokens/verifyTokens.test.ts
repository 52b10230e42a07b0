import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifyTokens } from './verifyTokens';

/**
 * Real RS256 tokens, signed here and checked against a JWKS served from a local HTTP server, the
 * way a local Cognito serves it: nothing about the verification is mocked.
 */
const KID = 'test-key-1';
const CLIENT_ID = 'client1abc';
const POOL = 'us-east-1_abc';
const SUB = '7f1c0a2e-1111-2222-3333-444455556666';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(payload: Record<string, unknown>, key: KeyObject = privateKey, kid = KID): string {
  const data = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(payload)}`;
  return `${data}.${sign('RSA-SHA256', Buffer.from(data), key).toString('base64url')}`;
}

let server: Server;
let issuer: string;
let jwksRequests = 0;
beforeAll(async () => {
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const now = () => Math.floor(Date.now() / 1000);
const idClaims = (over: Record<string, unknown> = {}) => ({
  sub: SUB,
  aud: CLIENT_ID,
  iss: issuer,
  token_use: 'id',
  'cognito:username': 'synthetic-run-1',
  phone_number: '+15555550100',
  phone_number_verified: true,
  auth_time: now(),
  iat: now(),
  exp: now() + 3600,
  ...over,
});
const accessClaims = (over: Record<string, unknown> = {}) => ({
  sub: SUB,
  client_id: CLIENT_ID,
  iss: issuer,
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
  username: 'synthetic-run-1',
  auth_time: now(),
  iat: now(),
  exp: now() + 3600,
  ...over,
});
const REFRESH = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.refresh-blob.iv.cipher.tag';

async function verify(idToken: string | undefined, accessToken: string | undefined, opts: { issuer?: string; clientId?: string } = {}) {
  return verifyTokens({ issuer: opts.issuer ?? issuer, clientId: opts.clientId ?? CLIENT_ID, idToken, accessToken, refreshToken: REFRESH });
}

/** What a failure looks like: TokenInvalid, with a message that quotes no token. */
async function expectInvalid(
  idToken: string | undefined,
  accessToken: string | undefined,
  message: RegExp,
  opts?: { issuer?: string; clientId?: string },
) {
  const error = (await verify(idToken, accessToken, opts).then(
    () => {
      throw new Error('expected TokenInvalid');
    },
    (e: Error) => e,
  )) as Error;
  expect(error.name).toBe('TokenInvalid');
  expect(error.message).toMatch(message);
  for (const t of [idToken, accessToken, REFRESH]) if (t) expect(error.message).not.toContain(t);
  expect(error.message).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  expect(error.message).not.toContain('+15555550100');
}

describe('verifyTokens', () => {
  it('verifies real RS256 id and access tokens against the JWKS and returns only a summary', async () => {
    const idToken = jwt(idClaims());
    const accessToken = jwt(accessClaims());
    const out = await verify(idToken, accessToken);
    expect(out).toEqual({
      sub: SUB,
      username: 'synthetic-run-1',
      idToken: { tokenUse: 'id', exp: idClaims().exp },
      accessToken: { tokenUse: 'access', exp: accessClaims().exp },
      refreshTokenIssued: true,
      issuerVerified: true,
    });
    const json = JSON.stringify(out);
    for (const t of [idToken, accessToken, REFRESH]) expect(json).not.toContain(t);
    expect(json).not.toMatch(/eyJ/);
    expect(json).not.toContain('+15555550100');
    expect(jwksRequests).toBeGreaterThanOrEqual(1);
  });

  it('caches the JWKS across verifications', async () => {
    await verify(jwt(idClaims()), jwt(accessClaims()));
    const before = jwksRequests;
    await verify(jwt(idClaims()), jwt(accessClaims()));
    expect(jwksRequests).toBe(before);
  });

  it('says whether a refresh token was issued', async () => {
    const out = await verifyTokens({
      issuer,
      clientId: CLIENT_ID,
      idToken: jwt(idClaims()),
      accessToken: jwt(accessClaims()),
      refreshToken: undefined,
    });
    expect(out.refreshTokenIssued).toBe(false);
  });

  it('refuses missing tokens', async () => {
    await expectInvalid(undefined, jwt(accessClaims()), /no IdToken or AccessToken/);
    await expectInvalid(jwt(idClaims()), undefined, /no IdToken or AccessToken/);
    await expectInvalid('', '', /no IdToken or AccessToken/);
  });

  it('refuses tokens from another issuer (another pool)', async () => {
    const wrongIss = issuer.replace(POOL, 'us-east-1_other');
    await expectInvalid(jwt(idClaims({ iss: wrongIss })), jwt(accessClaims()), /issuer|iss/i);
    await expectInvalid(jwt(idClaims()), jwt(accessClaims({ iss: wrongIss })), /issuer|iss/i);
  });

  it('refuses an id token whose audience is another app client', async () => {
    await expectInvalid(jwt(idClaims({ aud: 'someOtherClient' })), jwt(accessClaims()), /audience|aud/i);
  });

  it('refuses tokens verified for another client id than the one they were issued to', async () => {
    await expectInvalid(jwt(idClaims()), jwt(accessClaims()), /audience|aud/i, { clientId: 'someOtherClient' });
  });

  it('refuses an access token issued to another app client', async () => {
    await expectInvalid(jwt(idClaims()), jwt(accessClaims({ client_id: 'someOtherClient' })), /client_id/);
  });

  it('refuses tokens with the wrong token_use (tokens swapped or forged)', async () => {
    await expectInvalid(jwt(idClaims({ token_use: 'access' })), jwt(accessClaims()), /IdToken has token_use access/);
    await expectInvalid(jwt(idClaims()), jwt(accessClaims({ token_use: 'id' })), /AccessToken has token_use id/);
    await expectInvalid(jwt(idClaims()), jwt(idClaims()), /AccessToken has token_use id/);
  });

  it('refuses expired tokens', async () => {
    await expectInvalid(jwt(idClaims({ exp: now() - 60 })), jwt(accessClaims()), /expired/i);
    await expectInvalid(jwt(idClaims()), jwt(accessClaims({ exp: now() - 60 })), /expired/i);
  });

  it('refuses a token signed with another key under the same kid (bad signature)', async () => {
    await expectInvalid(jwt(idClaims(), other.privateKey), jwt(accessClaims()), /signature/i);
    await expectInvalid(jwt(idClaims()), jwt(accessClaims(), other.privateKey), /signature/i);
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = jwt(idClaims()).split('.');
    await expectInvalid(`${h}.${b64(idClaims({ sub: 'someone-else' }))}.${s}`, jwt(accessClaims()), /signature/i);
  });

  it('refuses an id and access token of different users', async () => {
    await expectInvalid(jwt(idClaims()), jwt(accessClaims({ sub: 'another-sub' })), /different users/);
  });

  it('refuses garbage', async () => {
    await expectInvalid('not-a-jwt', jwt(accessClaims()), /./);
  });

  it('keeps the underlying error as the cause (for logs), not in the state output', async () => {
    const error = await verify(jwt(idClaims({ aud: 'x' })), jwt(accessClaims())).catch((e: Error) => e);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
  });
});
