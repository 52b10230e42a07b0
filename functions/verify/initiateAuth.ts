import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { saveAuthSession } from '../../lib/runs/authSession';
import { getRun } from '../../lib/runs/getRun';
import { registerWait } from '../../lib/runs/registerWait';
import { asObject, requiredString } from '../../lib/validate';
import { smsChallengeOf, type SmsChallenge } from '../../lib/verify/authFlow';
import { firstSignInOf, recordFirstSignIn, type FirstSignIn } from '../../lib/verify/firstSignIn';
import { syntheticPassword } from '../../lib/verify/password';
import { runClient, runFlow } from '../../lib/verify/runClient';
import { RUN_ID } from '../../lib/verify/runId';
import { signIn as signInWith, type SignInOutcome } from '../../lib/verify/signIn';

export interface InitiateAuthOutput {
  /** SMS_OTP for the passwordless sms-otp flow, else SMS_MFA. */
  challenge: SmsChallenge;
  destination: string;
  /** Whether the user's first sign-in was challenged, or returned tokens and the second one was. */
  firstSignIn: FirstSignIn;
}

/**
 * Sign-in, with the run's flow (password, SRP or USER_AUTH: lib/verify/signIn.ts), must be answered
 * with an SMS_MFA challenge (the passwordless sms-otp flow: SMS_OTP, the code being the only factor;
 * MFA enforcement is not its question, and tokens without a code fail in lib/verify/signIn.ts). Cognito may let a new user's first sign-in through with tokens although
 * the pool requires MFA (the sign-up confirmation counts as the second factor): then sign in once
 * more, and that sign-in must be challenged. Tokens on a sign-in after the first mean MFA is not
 * enforced; any other challenge means the pool is not configured as provisioned. At most two
 * sign-ins; the tokens of a first sign-in are dropped here, never returned, stored or logged.
 */
export async function initiateAuth(event: unknown): Promise<InitiateAuthOutput> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  // Opened before the first call; a second sign-in only shortens the wait (conservative).
  await registerWait(run.phoneNumber, runId, 'MFA', run.timeouts.mfaCodeSeconds, { userPoolId: run.userPoolId, username: run.username });
  const password = await syntheticPassword(runId);
  const flow = runFlow(run);
  const expected = smsChallengeOf(flow);
  const signIn = (): Promise<SignInOutcome> => signInWith({ client: runClient(run), flow, username: run.username, password });

  // Set when an earlier attempt of this task (a Retry) already signed in: this call is not the first.
  const earlier = firstSignInOf(run);
  let result = await signIn();
  let firstSignIn: FirstSignIn = earlier ?? (result.tokens ? 'tokens-without-mfa' : 'mfa-challenged');
  if (!earlier) await recordFirstSignIn(runId, firstSignIn);
  if (result.tokens && !earlier) {
    logger.info('first sign-in returned tokens without an SMS_MFA challenge (allowed once after sign-up confirmation); signing in again', {
      runId,
    });
    result = await signIn();
    firstSignIn = 'tokens-without-mfa';
  }
  if (result.tokens) {
    throw new NamedError(
      'MfaNotEnforced',
      firstSignIn === 'tokens-without-mfa'
        ? `Sign-in (${flow}) returned tokens without an SMS_MFA challenge on the first sign-in and again on the second: MFA is not enforced on this pool`
        : `Sign-in (${flow}) returned tokens without an SMS_MFA challenge: MFA is not enforced on this pool`,
    );
  }
  const which = firstSignIn === 'tokens-without-mfa' ? ' on the second sign-in' : '';
  if (result.challengeName !== expected) {
    throw new NamedError(
      'UnexpectedChallenge',
      `Sign-in (${flow}) returned the ${result.challengeName} challenge${which}, expected ${expected}`,
    );
  }
  if (!result.session) throw new NamedError('UnexpectedChallenge', `The ${expected} challenge${which} came without a Session`);
  await saveAuthSession(runId, result.session, result.username, expected);
  return { challenge: expected, destination: maskPhone(run.phoneNumber), firstSignIn };
}

export const handler = taskHandler(initiateAuth);
