import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CognitoError, NotAuthorizedError } from 'cognito-local/lib/errors';
import { attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import { tierOf } from './featurePlan';
import { passwordVerifierChallenge, signInWithPassword, userOf } from './srp';
import type { FidelityEnv, Json, TargetFix } from './types';

/**
 * Choice-based sign-in (AuthFlow USER_AUTH), which cognito-local lacks. From Cognito's API
 * reference (InitiateAuth, RespondToAuthChallenge) and "Manage authentication methods in AWS
 * SDKs": the first factors a user can choose are the pool's `Policies.SignInPolicy.
 * AllowedFirstAuthFactors` (PASSWORD when the pool sets none) that the user has; PASSWORD allows
 * PASSWORD and PASSWORD_SRP, SMS_OTP needs a verified phone number. Without PREFERRED_CHALLENGE
 * (or with one the user cannot use) the answer is SELECT_CHALLENGE with AvailableChallenges;
 * the SELECT_CHALLENGE response names the ANSWER with its parameters (PASSWORD, SRP_A). Password
 * factors go on to MFA as any password sign-in; SMS_OTP sends a code and SMS_OTP_CODE signs in.
 * EMAIL_OTP and WEB_AUTHN (passkeys) are not emulated: never offered.
 */
const OTP_MINUTES = 3;

interface PendingOtp {
  code: string;
  clientId: string;
  expiresAt: number;
}
// Per local cloud: the SMS_OTP codes sent and not yet used, by `<pool id>/<username>`.
const otps = new WeakMap<object, Map<string, PendingOtp>>();
function otpsOf(env: FidelityEnv): Map<string, PendingOtp> {
  let m = otps.get(env.services);
  if (!m) otps.set(env.services, (m = new Map()));
  return m;
}

const phoneOf = (user: User) =>
  attributeValue('phone_number_verified', user.Attributes) === 'true' ? attributeValue('phone_number', user.Attributes) : undefined;

/** The first-factor challenges this user can choose in this pool. */
export function availableChallenges(pool: UserPoolService, user: User): string[] {
  // cognito-local types Policies from aws-sdk v2, which predates SignInPolicy; it stores it all the same.
  const policies = pool.options.Policies as { SignInPolicy?: { AllowedFirstAuthFactors?: string[] } } | undefined;
  const factors = policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
  const out: string[] = [];
  if (factors.includes('PASSWORD') && user.Password) out.push('PASSWORD', 'PASSWORD_SRP');
  // Passwordless factors belong to the Essentials plan (SignInPolicyType); a Lite pool has none.
  if (factors.includes('SMS_OTP') && tierOf(pool) !== 'LITE' && phoneOf(user)) out.push('SMS_OTP');
  return out;
}

async function sendOtp(env: FidelityEnv, ctx: OutboxContext, req: Json, pool: UserPoolService, user: User): Promise<Json> {
  const phone = phoneOf(user)!;
  const code = env.services.otp();
  await env.services.messages.deliver(ctx, 'Authentication', req.ClientId, pool.options.Id, user, code, req.ClientMetadata, {
    DeliveryMedium: 'SMS',
    AttributeName: 'phone_number',
    Destination: phone,
  });
  otpsOf(env).set(`${pool.options.Id}/${user.Username}`, { code, clientId: req.ClientId, expiresAt: Date.now() + OTP_MINUTES * 60_000 });
  return {
    ChallengeName: 'SMS_OTP',
    ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: phone, USER_ID_FOR_SRP: user.Username },
    Session: randomBytes(16).toString('hex'),
  };
}

/** Starts the chosen first factor with the parameters that came with the choice. */
async function start(
  env: FidelityEnv,
  ctx: OutboxContext,
  req: Json,
  pool: UserPoolService,
  user: User,
  factor: string,
  params: Json,
): Promise<Json> {
  if (factor === 'PASSWORD') {
    if (typeof params.PASSWORD !== 'string') throw new CognitoError('InvalidParameterException', 'Missing required parameter PASSWORD');
    return signInWithPassword(env, ctx, req, user.Username, params.PASSWORD);
  }
  if (factor === 'PASSWORD_SRP') return passwordVerifierChallenge(env, pool.options.Id, req.ClientId, user, params.SRP_A);
  return sendOtp(env, ctx, req, pool, user);
}

async function answerOtp(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<Json> {
  const r = req.ChallengeResponses ?? {};
  const { pool, user } = await userOf(env, ctx, req, r.USERNAME);
  const key = `${pool.options.Id}/${user.Username}`;
  const pending = otpsOf(env).get(key);
  const given = Buffer.from(String(r.SMS_OTP_CODE ?? ''));
  const matches =
    pending &&
    pending.clientId === req.ClientId &&
    given.length === pending.code.length &&
    timingSafeEqual(given, Buffer.from(pending.code));
  if (!pending || pending.expiresAt < Date.now())
    throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  if (!matches) throw new CognitoError('CodeMismatchException', 'Invalid code or auth state for the user.');
  otpsOf(env).delete(key);
  const client = await env.services.cognito.getAppClient(ctx, req.ClientId);
  if (!client) throw new NotAuthorizedError();
  const groups = await pool.listUserGroupMembership(ctx, user);
  const tokens = await env.services.tokenGenerator.generate(ctx, user, groups, client, req.ClientMetadata, 'Authentication');
  await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
  return { ChallengeParameters: {}, AuthenticationResult: tokens };
}

export const userAuthFix: TargetFix = {
  fix: 'userAuth',
  targets: ['InitiateAuth', 'RespondToAuthChallenge'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target === 'InitiateAuth' && req?.AuthFlow === 'USER_AUTH') {
      const params = req.AuthParameters ?? {};
      const { pool, user } = await userOf(env, ctx, req, params.USERNAME);
      const available = availableChallenges(pool, user);
      if (available.includes(params.PREFERRED_CHALLENGE)) return start(env, ctx, req, pool, user, params.PREFERRED_CHALLENGE, params);
      return {
        ChallengeName: 'SELECT_CHALLENGE',
        ChallengeParameters: {},
        AvailableChallenges: available,
        Session: randomBytes(16).toString('hex'),
      };
    }
    if (target === 'RespondToAuthChallenge' && req?.ChallengeName === 'SELECT_CHALLENGE') {
      const r = req.ChallengeResponses ?? {};
      const { pool, user } = await userOf(env, ctx, req, r.USERNAME);
      if (!availableChallenges(pool, user).includes(r.ANSWER)) {
        throw new CognitoError('InvalidParameterException', `${String(r.ANSWER)} is not an available challenge for this user.`);
      }
      return start(env, ctx, req, pool, user, r.ANSWER, r);
    }
    if (target === 'RespondToAuthChallenge' && req?.ChallengeName === 'SMS_OTP') return answerOtp(env, ctx, req);
    return inner(ctx, req);
  },
};
