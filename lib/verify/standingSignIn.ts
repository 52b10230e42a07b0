import type { ClientRef } from '../cognito/clientRef';
import { createSilentUser } from '../cognito/createSilentUser';
import { deleteUser } from '../cognito/deleteUser';
import { findUser } from '../cognito/findUser';
import { setPermanentPassword } from '../cognito/setPermanentPassword';
import { setSmsMfaPreference } from '../cognito/setSmsMfaPreference';
import { awsErrorName, isAwsError, NamedError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { smsChallengeOf, type AuthFlow, type SmsChallenge } from './authFlow';
import type { FirstSignIn } from './firstSignIn';
import { standingUserPassword } from './password';
import { signIn, type SignInOutcome } from './signIn';
import type { StandingUserOutcome } from './standingUser';
import { isSyntheticSignInName, type UsernameShape } from './username';
import { adminRegionOf, secondaryRegionOf } from '../cognito/replica';

/**
 * How long a sign-in at a secondary waits, between tries, for a user just made in the primary: the
 * guide says replication "may introduce short delays" and gives no bound, so about 15 s in all.
 */
export const REPLICATION_WAITS_MS = [1000, 2000, 4000, 8000];
/** What a sign-in at a secondary says of a user (or password) not replicated yet. */
const NOT_YET_REPLICATED = new Set(['missing', 'password refused']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StandingSignInRequest {
  runId: string;
  client: ClientRef;
  flow: AuthFlow;
  /** The name the standing user signs in with (lib/verify/username.ts signInNameFor). */
  username: string;
  /** How the pool names users: on a phone-number pool the name is the phone, and the user is never deleted. */
  shape: UsernameShape;
  /** MFA OPTIONAL: the user must have SMS MFA turned on and preferred to be challenged. */
  mfaOptional: boolean;
  /** MFA not OFF: the user gets SMS MFA preferred, so a pool offering other factors too does not answer SELECT_MFA_TYPE. */
  smsMfaPreferred?: boolean;
  phone: string;
  /** The execution's start (epoch ms): a user made after it was made by this run, also by an earlier attempt of its task. */
  runStartedAt: number;
}

export interface StandingSignIn {
  /** Cognito's SMS_MFA (or SMS_OTP) session: a credential, for the run record only. */
  session: string;
  /** The challenge the code answers: SMS_OTP for the passwordless sms-otp flow, else SMS_MFA. */
  challengeName: SmsChallenge;
  standingUser: StandingUserOutcome;
  /** Why the user was recreated: short, names no secret. */
  standingUserReason?: string;
  /** Only for a user made in this run: whether its first sign-in was challenged. */
  firstSignIn?: FirstSignIn;
  /** The name the SMS_MFA challenge knows the user by: its answer (and SECRET_HASH) must use it. */
  challengeUsername: string;
}

/** What a sign-in said about the standing user. */
type Attempt =
  | { ok: 'challenged'; session: string; challengeUsername: string }
  | { ok: 'tokens' }
  /** SELECT_MFA_TYPE after our password: a user of ours with no MFA preferred (made before checks preferred SMS). */
  | { ok: 'choose-mfa' }
  /** Missing or broken; `exists` is known from the answer itself, or undefined when AdminGetUser must tell. */
  | { ok: false; why: string; exists?: boolean; error?: unknown };

/**
 * Answers that say the standing user, not the pool, is the problem: only these delete and recreate
 * it (each new user is a new monthly active user). NotAuthorized is also what a client with
 * PreventUserExistenceErrors answers for a user that does not exist.
 */
const BROKEN_ERRORS: Record<string, { why: string; exists?: boolean }> = {
  UserNotFoundException: { why: 'missing', exists: false },
  NotAuthorizedException: { why: 'password refused' },
  PasswordResetRequiredException: { why: 'password reset required', exists: true },
  UserNotConfirmedException: { why: 'not confirmed', exists: true },
};

/**
 * NotAuthorized about the app client, not the user ("Client … is not …"): every user would get it,
 * so recreating one would only add a user and fail again. A refused SECRET_HASH never gets here:
 * lib/verify/clientSecret.ts reads the secret again, then fails AppClientSecretChanged.
 */
const CLIENT_REFUSAL = /secret|client/i;

/** The one challenge besides SMS_MFA that a new user fixes: a temporary password (an admin reset it). */
const USER_CHALLENGES = new Set(['NEW_PASSWORD_REQUIRED']);

/**
 * Signs the standing user in with the run's flow (lib/verify/signIn.ts) and expects the SMS_MFA
 * challenge, optimistically: a user that is there and well costs one sign-in. Only when the answer
 * says the user is missing or broken (an error above, NEW_PASSWORD_REQUIRED, or a code sent to
 * another phone) is it looked up, created or deleted and created again (no SMS:
 * lib/cognito/createSilentUser.ts; on an MFA OPTIONAL pool with SMS MFA turned on), and signed in
 * once more; a second failure is the pool's, reported as the check's failure. What the pool or app
 * client causes (another MFA challenge, a device challenge, a refused client) fails at once,
 * keeping the user. Tokens without a challenge are allowed once for a user made in this run (Cognito
 * may count its creation as the second factor), and, on an MFA OPTIONAL pool, once for a user
 * without SMS MFA turned on (made before the check did that): it signs in again and must be
 * challenged then. Otherwise they mean MFA is not enforced. SELECT_MFA_TYPE on a pool with MFA gets
 * SMS MFA preferred on the user and one more sign-in, which must be challenged with SMS_MFA.
 *
 * A user is only changed (password, MFA preference) or deleted when it is ours: its name is
 * synthetic (lib/verify/username.ts), or it was made after this run started, or it has just signed
 * in with the password derived for it. On a pool whose users sign in with their phone number the
 * name is the phone, which may be anyone's: a user with that number that is none of these is never
 * touched (PhoneUsernameTaken).
 */
export async function standingSignIn(request: StandingSignInRequest): Promise<StandingSignIn> {
  const { runId, client, flow, username, phone } = request;
  const { userPoolId } = client;
  // Sign-in goes to the client's Region (a secondary replica's, when the target names one); the
  // user itself is created, repaired and deleted in the primary, whence it replicates.
  const region = adminRegionOf(client);
  const secondary = secondaryRegionOf(client);
  // The sms-otp flow sends no password, but AdminCreateUser needs one set for the user to be CONFIRMED.
  const password = await standingUserPassword(username);
  const expected = smsChallengeOf(flow);
  const preferSms = request.mfaOptional || request.smsMfaPreferred === true;
  // Tokens or an MFA challenge after a password flow prove the user holds our derived password:
  // it is ours to change, whatever its name. A passwordless sign-in proves nothing of the kind.
  const provesPassword = flow !== 'sms-otp';
  // SELECT_MFA_TYPE is answered by preferring SMS MFA once; asked again after that, it is the pool's.
  let smsPreferred = false;
  const signInOnce = async (): Promise<Attempt> => {
    let answer: SignInOutcome;
    try {
      answer = await signIn({ client, flow, username, password });
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      const broken = BROKEN_ERRORS[name];
      if (!broken) throw error;
      if (name === 'NotAuthorizedException' && error instanceof Error && CLIENT_REFUSAL.test(error.message)) throw error;
      // A message may say more ("User is disabled.", "Password attempts exceeded"); it names no secret.
      const message =
        error instanceof Error && /disabled|attempts exceeded/i.test(error.message)
          ? error.message.replace(/\.$/, '').toLowerCase()
          : undefined;
      return { ok: false, why: message ?? broken.why, exists: broken.exists, error };
    }
    if (answer.tokens) return { ok: 'tokens' };
    if (answer.challengeName !== expected) {
      const challenge = answer.challengeName;
      if (USER_CHALLENGES.has(challenge)) return { ok: false, why: `challenge ${challenge}`, exists: true };
      // A standing user made before checks preferred SMS MFA on every pool with MFA: it gets it preferred.
      if (challenge === 'SELECT_MFA_TYPE' && preferSms && provesPassword && !smsPreferred) return { ok: 'choose-mfa' };
      // SELECT_MFA_TYPE, MFA_SETUP, SOFTWARE_TOKEN_MFA…: the pool's MFA settings, which a new user would meet too.
      throw new NamedError(
        'UnexpectedChallenge',
        `Sign-in (${flow}) of the standing user returned the ${challenge} challenge` +
          `${smsPreferred && challenge === 'SELECT_MFA_TYPE' ? ' although SMS MFA is preferred on it' : ''}, expected ${expected}`,
      );
    }
    if (!answer.session) throw new NamedError('UnexpectedChallenge', `The ${expected} challenge came without a Session`);
    // Cognito masks the destination but keeps its last digits: a user whose phone was changed
    // would have its code sent elsewhere, and the run would wait for nothing.
    const destination = answer.parameters.CODE_DELIVERY_DESTINATION ?? '';
    const last = /(\d{4})$/.exec(destination)?.[1];
    if (last && !phone.endsWith(last)) return { ok: false, why: 'MFA code sent to another phone', exists: true };
    return { ok: 'challenged', session: answer.session, challengeUsername: answer.username };
  };

  let standingUser: StandingUserOutcome = 'reused';
  let standingUserReason: string | undefined;
  let attempt = await signInOnce();
  if (attempt.ok === 'choose-mfa') {
    // It signed in with our password: prefer SMS MFA on it (no new user: each is a monthly active user).
    await setSmsMfaPreference(region, userPoolId, username);
    smsPreferred = true;
    logger.info('standing user was asked to choose an MFA type; SMS MFA preferred, signing in again', { runId });
    attempt = await signInOnce();
    if (attempt.ok === false) {
      if (attempt.error) throw attempt.error;
      throw new NamedError(
        'UnexpectedChallenge',
        `Sign-in (${flow}) of the standing user failed (${attempt.why}) after SMS MFA was preferred, expected ${expected}`,
      );
    }
  }
  if (attempt.ok === false) {
    const exists = attempt.exists ?? (await findUser(region, userPoolId, username)) !== undefined;
    let create = true;
    if (exists) {
      if (isSyntheticSignInName(username)) {
        standingUser = 'recreated';
        standingUserReason = attempt.why;
        await deleteUser(region, userPoolId, username);
      } else if (await createdSince(region, userPoolId, username, request.runStartedAt)) {
        // Made by an earlier attempt of this task (on a phone-username pool): repaired, not deleted.
        standingUser = 'created';
        create = false;
      } else {
        throw notOurs(request, attempt.why);
      }
    } else {
      standingUser = 'created';
    }
    await createUser(request, password, create);
    smsPreferred = preferSms;
    logger.info(`standing user ${standingUser}`, { runId, standingUser, reason: standingUserReason });
    const before = attempt;
    attempt = await signInOnce();
    // Replication to a secondary is eventually consistent: the new user may not be there yet.
    for (
      let wait = 0;
      secondary && attempt.ok === false && NOT_YET_REPLICATED.has(attempt.why) && wait < REPLICATION_WAITS_MS.length;
      wait++
    ) {
      logger.info('standing user not yet replicated to the secondary; signing in again', { runId, region: secondary });
      await sleep(REPLICATION_WAITS_MS[wait]!);
      attempt = await signInOnce();
    }
    if (attempt.ok === false) {
      if (attempt.why.startsWith('challenge ')) {
        throw new NamedError(
          'UnexpectedChallenge',
          `Sign-in (${flow}) of the standing user returned the ${attempt.why.slice(10)} challenge after it was ${standingUser}, expected ${expected}`,
        );
      }
      if (attempt.error) throw attempt.error;
      throw new NamedError(
        'UserStatusUnexpected',
        `The standing user could not sign in after it was ${standingUser} (${attempt.why}; before: ${before.why})`,
      );
    }
  }
  // Unreachable: signInOnce answers choose-mfa only until SMS MFA is preferred, which every path above did.
  if (attempt.ok === 'choose-mfa') throw new NamedError('UnexpectedChallenge', `SELECT_MFA_TYPE after SMS MFA was preferred`);

  let firstSignIn: FirstSignIn | undefined = standingUser === 'reused' ? undefined : 'mfa-challenged';
  if (attempt.ok === 'tokens') {
    const madeInThisRun = standingUser !== 'reused' || (await createdSince(region, userPoolId, username, request.runStartedAt));
    if (madeInThisRun) {
      logger.info('first sign-in of a new standing user returned tokens without an SMS_MFA challenge; signing in again', { runId });
      firstSignIn = 'tokens-without-mfa';
    } else if (request.mfaOptional && provesPassword) {
      // Made before checks turned SMS MFA on for their users (it signed in with our password): turn
      // it on now; the next sign-in must be challenged.
      await setSmsMfaPreference(region, userPoolId, username);
      smsPreferred = true;
      logger.info('standing user had no SMS MFA on an MFA OPTIONAL pool; turned it on, signing in again', { runId });
    } else {
      throw new NamedError(
        'MfaNotEnforced',
        `Sign-in (${flow}) of the standing user returned tokens without an SMS_MFA challenge: MFA is not enforced on this pool`,
      );
    }
    attempt = await signInOnce();
    if (attempt.ok === 'tokens') {
      throw new NamedError(
        'MfaNotEnforced',
        request.mfaOptional
          ? `Sign-in (${flow}) returned tokens without an SMS_MFA challenge although the user has SMS MFA turned on and preferred (MFA OPTIONAL pool): MFA is not enforced for it`
          : `Sign-in (${flow}) returned tokens without an SMS_MFA challenge on the first sign-in and again on the second: MFA is not enforced on this pool`,
      );
    }
    if (attempt.ok === false) {
      if (attempt.error) throw attempt.error;
      throw new NamedError(
        'UnexpectedChallenge',
        `Sign-in (${flow}) returned the ${attempt.why} on the second sign-in, expected ${expected}`,
      );
    }
    if (attempt.ok === 'choose-mfa') {
      throw new NamedError(
        'UnexpectedChallenge',
        `Sign-in (${flow}) returned the SELECT_MFA_TYPE challenge on the second sign-in, expected ${expected}`,
      );
    }
  }
  return {
    session: attempt.session,
    challengeName: expected,
    challengeUsername: attempt.challengeUsername,
    standingUser,
    standingUserReason,
    firstSignIn,
  };
}

/**
 * AdminCreateUser (no SMS; on an email-username pool with its synthetic address verified), a
 * permanent password and, on a pool whose MFA is not OFF, SMS MFA turned on and preferred (on an
 * OPTIONAL pool so that it is challenged at all; on any, so that a pool also offering e-mail MFA or
 * TOTP challenges it with SMS_MFA rather than SELECT_MFA_TYPE). `create` false: a user this run
 * already made only gets its password (and MFA) set. A name that turns out taken gets them only when
 * it is ours (synthetic, or made after this run started); a real user holding a phone-number name
 * must never have its password reset.
 */
async function createUser(request: StandingSignInRequest, password: string, create: boolean): Promise<void> {
  const { userPoolId } = request.client;
  const region = adminRegionOf(request.client);
  const { username, phone } = request;
  if (create) {
    try {
      await createSilentUser(region, userPoolId, username, phone, request.shape === 'email' ? username : undefined);
    } catch (error) {
      if (!isAwsError(error, 'UsernameExistsException')) throw error;
      const ours = isSyntheticSignInName(username) || (await createdSince(region, userPoolId, username, request.runStartedAt));
      if (!ours) throw notOurs(request, 'it appeared while the check made its own');
    }
  }
  await setPermanentPassword(region, userPoolId, username, password);
  if (request.mfaOptional || request.smsMfaPreferred) await setSmsMfaPreference(region, userPoolId, username);
}

/**
 * The refusal to touch a user that is not the checks': on a phone-username pool, someone (a real
 * user, or one left by a check before the run started) has the check's phone number as its name.
 */
function notOurs(request: StandingSignInRequest, why: string): NamedError {
  if (request.shape === 'phone_number') {
    return new NamedError(
      'PhoneUsernameTaken',
      `This pool signs users in by phone number, which Cognito allows one user to have, and a user with ${maskPhone(request.phone)} ` +
        `that this run did not make cannot sign in as the checks' standing user (${why}). It may be a real user: its password, ` +
        'MFA and the user itself are never changed or deleted. Give sign-in checks on this pool a phone number no other user has, ' +
        'or delete that user yourself if you know it is a leftover of the checks',
    );
  }
  // Names the checks give are always synthetic: another name here is a bug, and the user is left alone.
  return new NamedError(
    'UserStatusUnexpected',
    `The standing user's name is not one the checks give (synthetic-…) and the user cannot sign in (${why}): it is never changed or deleted`,
  );
}

/** Whether the user was made after the run started (an earlier attempt of this task made it). */
async function createdSince(region: string, userPoolId: string, username: string, since: number): Promise<boolean> {
  const user = await findUser(region, userPoolId, username);
  const created = user?.UserCreateDate?.getTime();
  return created !== undefined && created >= since;
}
