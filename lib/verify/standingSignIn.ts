import type { InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { createSilentUser } from '../cognito/createSilentUser';
import { deleteUser } from '../cognito/deleteUser';
import { findUser } from '../cognito/findUser';
import { passwordSignIn } from '../cognito/passwordSignIn';
import { setPermanentPassword } from '../cognito/setPermanentPassword';
import { awsErrorName, isAwsError, NamedError } from '../errors';
import { logger } from '../logger';
import type { FirstSignIn } from './firstSignIn';
import { standingUserPassword } from './password';
import type { StandingUserOutcome } from './standingUser';

export interface StandingSignInRequest {
  runId: string;
  userPoolId: string;
  clientId: string;
  username: string;
  phone: string;
  /** The execution's start (epoch ms): a user made after it was made by this run, also by an earlier attempt of its task. */
  runStartedAt: number;
}

export interface StandingSignIn {
  /** Cognito's SMS_MFA session: a credential, for the run record only. */
  session: string;
  standingUser: StandingUserOutcome;
  /** Why the user was recreated: short, names no secret. */
  standingUserReason?: string;
  /** Only for a user made in this run: whether its first sign-in was challenged. */
  firstSignIn?: FirstSignIn;
}

/** What a sign-in said about the standing user. */
type Attempt =
  | { ok: 'challenged'; session: string }
  | { ok: 'tokens' }
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
 * NotAuthorized about the app client, not the user ("Unable to verify secret hash for client …",
 * "Client … is configured for secret but secret was not received"): every user would get it, so
 * recreating one would only add a user and fail again.
 */
const CLIENT_REFUSAL = /secret|client/i;

/** The one challenge besides SMS_MFA that a new user fixes: a temporary password (an admin reset it). */
const USER_CHALLENGES = new Set(['NEW_PASSWORD_REQUIRED']);

/**
 * Signs the standing user in with its password and expects the SMS_MFA challenge, optimistically:
 * a user that is there and well costs this one Cognito call. Only when the answer says the user
 * is missing or broken (an error above, NEW_PASSWORD_REQUIRED, or a code sent to another phone)
 * is it looked up, created or deleted and created again (no SMS: lib/cognito/createSilentUser.ts),
 * and signed in once more; a second failure is the pool's, reported as the check's failure. What
 * the pool or app client causes (another MFA challenge, a client secret) fails at once, keeping the user.
 * Tokens without a challenge are allowed once for a user made in this run (Cognito may count its
 * creation as the second factor): it signs in again and must be challenged then. Otherwise they
 * mean MFA is not enforced.
 */
export async function standingSignIn(request: StandingSignInRequest): Promise<StandingSignIn> {
  const { runId, userPoolId, clientId, username, phone } = request;
  const password = await standingUserPassword(username);
  const signIn = async (): Promise<Attempt> => {
    let answer: InitiateAuthCommandOutput;
    try {
      answer = await passwordSignIn(clientId, username, password);
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      const broken = BROKEN_ERRORS[name];
      if (!broken) throw error;
      if (name === 'NotAuthorizedException' && error instanceof Error && CLIENT_REFUSAL.test(error.message)) {
        throw new NamedError(
          'AppClientHasSecret',
          `Cognito refused the app client itself (${error.message.replace(/\.$/, '')}): the check signs in without a SECRET_HASH, so the app client must have no secret`,
        );
      }
      // A message may say more ("User is disabled.", "Password attempts exceeded"); it names no secret.
      const message =
        error instanceof Error && /disabled|attempts exceeded/i.test(error.message)
          ? error.message.replace(/\.$/, '').toLowerCase()
          : undefined;
      return { ok: false, why: message ?? broken.why, exists: broken.exists, error };
    }
    if (answer.AuthenticationResult) return { ok: 'tokens' };
    if (answer.ChallengeName !== 'SMS_MFA') {
      const challenge = answer.ChallengeName ?? 'none';
      if (USER_CHALLENGES.has(challenge)) return { ok: false, why: `challenge ${challenge}`, exists: true };
      // SELECT_MFA_TYPE, MFA_SETUP, SOFTWARE_TOKEN_MFA…: the pool's MFA settings, which a new user would meet too.
      throw new NamedError(
        'UnexpectedChallenge',
        `Password login of the standing user returned the ${challenge} challenge, expected SMS_MFA`,
      );
    }
    if (!answer.Session) throw new NamedError('UnexpectedChallenge', 'The SMS_MFA challenge came without a Session');
    // Cognito masks the destination but keeps its last digits: a user whose phone was changed
    // would have its code sent elsewhere, and the run would wait for nothing.
    const destination = answer.ChallengeParameters?.CODE_DELIVERY_DESTINATION ?? '';
    const last = /(\d{4})$/.exec(destination)?.[1];
    if (last && !phone.endsWith(last)) return { ok: false, why: 'MFA code sent to another phone', exists: true };
    return { ok: 'challenged', session: answer.Session };
  };

  let standingUser: StandingUserOutcome = 'reused';
  let standingUserReason: string | undefined;
  let attempt = await signIn();
  if (attempt.ok === false) {
    const exists = attempt.exists ?? (await findUser(userPoolId, username)) !== undefined;
    if (exists) {
      standingUser = 'recreated';
      standingUserReason = attempt.why;
      await deleteUser(userPoolId, username);
    } else {
      standingUser = 'created';
    }
    await createUser(userPoolId, username, phone, password);
    logger.info(`standing user ${standingUser}`, { runId, standingUser, reason: standingUserReason });
    const before = attempt;
    attempt = await signIn();
    if (attempt.ok === false) {
      if (attempt.why.startsWith('challenge ')) {
        throw new NamedError(
          'UnexpectedChallenge',
          `Password login of the standing user returned the ${attempt.why.slice(10)} challenge after it was ${standingUser}, expected SMS_MFA`,
        );
      }
      if (attempt.error) throw attempt.error;
      throw new NamedError(
        'UserStatusUnexpected',
        `The standing user could not sign in after it was ${standingUser} (${attempt.why}; before: ${before.why})`,
      );
    }
  }

  let firstSignIn: FirstSignIn | undefined = standingUser === 'reused' ? undefined : 'mfa-challenged';
  if (attempt.ok === 'tokens') {
    const madeInThisRun = standingUser !== 'reused' || (await createdSince(userPoolId, username, request.runStartedAt));
    if (!madeInThisRun) {
      throw new NamedError(
        'MfaNotEnforced',
        'Password login of the standing user returned tokens without an SMS_MFA challenge: MFA is not enforced on this pool',
      );
    }
    logger.info('first sign-in of a new standing user returned tokens without an SMS_MFA challenge; signing in again', { runId });
    firstSignIn = 'tokens-without-mfa';
    attempt = await signIn();
    if (attempt.ok === 'tokens') {
      throw new NamedError(
        'MfaNotEnforced',
        'Password login returned tokens without an SMS_MFA challenge on the first sign-in and again on the second: MFA is not enforced on this pool',
      );
    }
    if (attempt.ok === false) {
      if (attempt.error) throw attempt.error;
      throw new NamedError('UnexpectedChallenge', `Password login returned the ${attempt.why} on the second sign-in, expected SMS_MFA`);
    }
  }
  return { session: attempt.session, standingUser, standingUserReason, firstSignIn };
}

/** AdminCreateUser (no SMS) and a permanent password. A user left by an earlier attempt of this task only gets its password set. */
async function createUser(userPoolId: string, username: string, phone: string, password: string): Promise<void> {
  try {
    await createSilentUser(userPoolId, username, phone);
  } catch (error) {
    if (!isAwsError(error, 'UsernameExistsException')) throw error;
  }
  await setPermanentPassword(userPoolId, username, password);
}

/** Whether the user was made after the run started (a retried task made it): only asked when tokens came without MFA. */
async function createdSince(userPoolId: string, username: string, since: number): Promise<boolean> {
  const user = await findUser(userPoolId, username);
  const created = user?.UserCreateDate?.getTime();
  return created !== undefined && created >= since;
}
