import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CognitoError, NotAuthorizedError } from 'cognito-local/lib/errors';
import { Targets } from 'cognito-local/lib/targets/targets';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import type { FidelityEnv, FidelityRoute, Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * Cognito's SRP-6a (what Amplify's `signIn()` and cognito-srp-helper speak): the 3072-bit group
 * of RFC 5054, g = 2, k = H(N | PAD(g)), x = H(salt | H(poolName | userId | ":" | password)),
 * u = H(PAD(A) | PAD(B)), a 16-byte key from HKDF-SHA256(salt = u, S, info "Caldera Derived
 * Key"), and the claim HMAC(key, poolName | userId | secretBlock | timestamp). Cognito's API
 * reference names the values (InitiateAuth: USER_SRP_AUTH takes USERNAME and SRP_A and answers
 * PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP; RespondToAuthChallenge:
 * PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP); the arithmetic is the one
 * AWS's own clients implement (Amplify JS `AuthenticationHelper`).
 */
const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const G = 2n;
const INFO = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);

/** Even-length hex of a positive number, with a 00 byte when the top bit is set (Java's toByteArray). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}
const hashHex = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const hashText = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const big = (hex: string) => BigInt(`0x${hex}`);

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

const K = big(hashHex(padHex(N) + padHex(G)));
const poolNameOf = (poolId: string) => poolId.split('_')[1] ?? '';
const verifierOf = (poolId: string, userId: string, password: string, saltHex: string) =>
  modPow(G, big(hashHex(padHex(big(saltHex)) + hashText(`${poolNameOf(poolId)}${userId}:${password}`))), N);

/** A PASSWORD_VERIFIER challenge in progress: what the server needs to check the claim. */
interface Exchange {
  poolId: string;
  clientId: string;
  userId: string;
  a: bigint;
  b: bigint;
  B: bigint;
  salt: string;
  expiresAt: number;
}

const EXCHANGE_MINUTES = 3;
// Per local cloud (keyed by its services): SRP state and the salt key live as long as it does.
const state = new WeakMap<object, { exchanges: Map<string, Exchange>; saltKey: Buffer }>();
function stateOf(env: FidelityEnv) {
  let s = state.get(env.services);
  if (!s) state.set(env.services, (s = { exchanges: new Map(), saltKey: randomBytes(32) }));
  return s;
}

/**
 * The PASSWORD_VERIFIER challenge for a user who sent SRP_A. Cognito keeps one salt per user;
 * ours is derived from the user, so it stays the same across sign-ins. The SECRET_BLOCK is opaque
 * to the client; here it names the server's half of the exchange (single use).
 */
export function passwordVerifierChallenge(env: FidelityEnv, poolId: string, clientId: string, user: User, srpA: unknown): Json {
  if (typeof srpA !== 'string' || srpA === '') throw new CognitoError('InvalidParameterException', 'Missing required parameter SRP_A');
  const A = typeof srpA === 'string' && /^[0-9a-f]+$/i.test(srpA) ? big(srpA) : 0n;
  if (A % N === 0n) throw new CognitoError('InvalidParameterException', 'SRP_A must be a non-zero hex value modulo N.');
  const { exchanges, saltKey } = stateOf(env);
  const salt = createHmac('sha256', saltKey).update(`${poolId}/${user.Username}`).digest('hex').slice(0, 32);
  const v = verifierOf(poolId, user.Username, user.Password, salt);
  let b: bigint;
  let B: bigint;
  do {
    b = big(randomBytes(128).toString('hex')) % N;
    B = (K * v + modPow(G, b, N)) % N;
  } while (B === 0n);
  const secretBlock = randomBytes(512).toString('base64');
  const now = Date.now();
  for (const [key, e] of exchanges) if (e.expiresAt < now) exchanges.delete(key);
  exchanges.set(secretBlock, { poolId, clientId, userId: user.Username, a: A, b, B, salt, expiresAt: now + EXCHANGE_MINUTES * 60_000 });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: B.toString(16),
      USERNAME: user.Username,
      USER_ID_FOR_SRP: user.Username,
    },
    // Replaced by the sessions fix with a real one.
    Session: randomBytes(16).toString('hex'),
  };
}

/** True when PASSWORD_CLAIM_SIGNATURE proves the password of the exchange's user. */
function claimHolds(x: Exchange, user: User, secretBlock: string, timestamp: string, signature: string): boolean {
  const v = verifierOf(x.poolId, x.userId, user.Password, x.salt);
  const u = big(hashHex(padHex(x.a) + padHex(x.B)));
  if (u === 0n) return false;
  const S = modPow((x.a * modPow(v, u, N)) % N, x.b, N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  const key = createHmac('sha256', prk).update(INFO).digest().subarray(0, 16);
  const expected = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolNameOf(x.poolId), 'utf8'),
        Buffer.from(x.userId, 'utf8'),
        Buffer.from(secretBlock, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const incorrect = () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');

/**
 * What follows a correct password, exactly as after USER_PASSWORD_AUTH: the SMS_MFA challenge
 * (code to the fake phone) when the user has MFA, else tokens. It runs cognito-local's password
 * sign-in through the fixes listed before this one (the MFA ones), with the password given or, once
 * SRP has proven it, the stored one.
 */
export async function signInWithPassword(
  env: FidelityEnv,
  ctx: OutboxContext,
  req: Json,
  username: string,
  password: unknown,
): Promise<Json> {
  const route: FidelityRoute =
    env.routeBelow?.('InitiateAuth', 'srp') ?? (Targets.InitiateAuth as unknown as (s: unknown) => FidelityRoute)(env.services);
  try {
    return await route(ctx, {
      ClientId: req.ClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
      ClientMetadata: req.ClientMetadata,
    });
  } catch (e) {
    // cognito-local's word for a wrong password; Cognito's is NotAuthorizedException.
    if (e instanceof CognitoError && e.code === 'InvalidPasswordException') throw incorrect();
    throw e;
  }
}

/** The user a sign-in names, or NotAuthorizedException as for a wrong password (USER_AUTH uses it too). */
export async function userOf(
  env: FidelityEnv,
  ctx: OutboxContext,
  req: Json,
  username: unknown,
): Promise<{ pool: UserPoolService; user: User }> {
  const pool = await poolOf(env, ctx, req);
  const user = typeof username === 'string' && username !== '' ? await pool.getUserByUsername(ctx, username) : null;
  // The error-message fix tells an unknown user from a wrong password, as it does for passwords.
  if (!user) throw new NotAuthorizedError();
  return { pool, user };
}

/** Checks PASSWORD_VERIFIER's claim, then signs in as a password would. */
export async function answerPasswordVerifier(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<Json> {
  const r = req.ChallengeResponses ?? {};
  for (const name of ['PASSWORD_CLAIM_SIGNATURE', 'PASSWORD_CLAIM_SECRET_BLOCK', 'TIMESTAMP']) {
    if (typeof r[name] !== 'string' || r[name] === '')
      throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  }
  const { exchanges } = stateOf(env);
  const x = exchanges.get(r.PASSWORD_CLAIM_SECRET_BLOCK);
  exchanges.delete(r.PASSWORD_CLAIM_SECRET_BLOCK);
  if (!x || x.clientId !== req.ClientId || x.expiresAt < Date.now())
    throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
  const { user } = await userOf(env, ctx, req, r.USERNAME ?? x.userId);
  if (user.Username !== x.userId) throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
  if (!claimHolds(x, user, r.PASSWORD_CLAIM_SECRET_BLOCK, r.TIMESTAMP, r.PASSWORD_CLAIM_SIGNATURE)) throw incorrect();
  return signInWithPassword(env, ctx, req, user.Username, user.Password);
}

/** Starts USER_SRP_AUTH for a known user. */
export async function startSrp(env: FidelityEnv, ctx: OutboxContext, req: Json, username: unknown, srpA: unknown): Promise<Json> {
  const { pool, user } = await userOf(env, ctx, req, username);
  return passwordVerifierChallenge(env, pool.options.Id, req.ClientId, user, srpA);
}

/**
 * cognito-local has no SRP (USER_SRP_AUTH is "Unsupported"), so code that signs in as Amplify
 * apps do could not be checked locally. This serves USER_SRP_AUTH and PASSWORD_VERIFIER with real
 * SRP: a wrong password fails the claim with NotAuthorizedException "Incorrect username or
 * password.", a right one goes on to SMS_MFA or tokens as after USER_PASSWORD_AUTH.
 */
export const srpFix: TargetFix = {
  fix: 'srp',
  targets: ['InitiateAuth', 'RespondToAuthChallenge'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target === 'InitiateAuth' && req?.AuthFlow === 'USER_SRP_AUTH') {
      return startSrp(env, ctx, req, req.AuthParameters?.USERNAME, req.AuthParameters?.SRP_A);
    }
    if (target === 'RespondToAuthChallenge' && req?.ChallengeName === 'PASSWORD_VERIFIER') return answerPasswordVerifier(env, ctx, req);
    return inner(ctx, req);
  },
};
