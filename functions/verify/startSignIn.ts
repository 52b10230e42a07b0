import { awsErrorName, NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { retryTransient } from '../../lib/retryTransient';
import { putRun } from '../../lib/runs/putRun';
import { registerWait } from '../../lib/runs/registerWait';
import { saveSignIn } from '../../lib/runs/saveSignIn';
import { takeLease } from '../../lib/runs/takeLease';
import { asObject, requiredString } from '../../lib/validate';
import type { AuthFlow, SmsChallenge } from '../../lib/verify/authFlow';
import { planCheck } from '../../lib/verify/checkPlan';
import type { FirstSignIn } from '../../lib/verify/firstSignIn';
import { leaseSeconds } from '../../lib/verify/kind';
import { RUN_ID } from '../../lib/verify/runId';
import { attemptFields, resolveAttempt } from '../../lib/verify/attemptRequest';
import { standingSignIn } from '../../lib/verify/standingSignIn';
import { standingUsername, type StandingUserOutcome } from '../../lib/verify/standingUser';

export interface SignInState {
  runId: string;
  /** Which attempt of its check this is (1, or 2.. on the re-runs that confirm a failure). */
  attempt: number;
  kind: 'signin';
  userPoolId: string;
  /** The pool's Region. */
  region: string;
  /** How the standing user signs in (lib/verify/authFlow.ts). */
  authFlow: AuthFlow;
  /** Masked. */
  phone: string;
  targetName?: string;
  standingUser: StandingUserOutcome;
  standingUserReason?: string;
  /** AwaitSignInCode's TimeoutSecondsPath. */
  timeouts: { mfaCodeSeconds: number };
  /** SMS_OTP for the passwordless sms-otp flow, else SMS_MFA. */
  challenge: { challenge: SmsChallenge; destination: string; firstSignIn?: FirstSignIn };
}

/**
 * First task of a sign-in run, in one Lambda because every state entered is billed: validates the
 * input, resolves target and phone, writes the run record (before the lease, so a failure after it
 * can still release the phone), takes the phone's lease (PhoneBusy is retried by the state
 * machine), opens the MFA wait before the SMS can go out, and signs the standing user in
 * (lib/verify/standingSignIn.ts). The session goes to the run record only; the state gets masked
 * data and what became of the standing user.
 */
export async function startSignIn(event: unknown): Promise<SignInState> {
  const { input: rawInput, runId: rawRunId, startedAt: rawStartedAt } = asObject(event, 'event');
  const executionName = requiredString({ runId: rawRunId }, 'runId', RUN_ID);
  // The execution's start (the context object), not now: a retried attempt keeps the run's start.
  const started = typeof rawStartedAt === 'string' && !Number.isNaN(Date.parse(rawStartedAt)) ? new Date(rawStartedAt) : new Date();
  const attempt = await resolveAttempt(rawInput, executionName, 'signin');
  const { runId, request } = attempt;
  const { userPoolId, clientId, region, targetName, timeouts, phone, phoneFrom } = request;
  const client = { region, userPoolId, clientId };
  // The flow, the user's name in the pool's shape, the pool's MFA: refused (AuthFlowNotAllowed) before any sign-in.
  const plan = await planCheck(client, request.authFlow, standingUsername(userPoolId, phone), phone);
  const username = plan.signInName;

  await putRun({
    runId,
    kind: 'signin',
    userPoolId,
    clientId,
    region,
    authFlow: plan.flow,
    username,
    targetName,
    timeouts,
    ...attemptFields(attempt),
    phoneNumber: phone,
    // A re-run's own start: its duration is its own; the check's is the execution's.
    startedAt: (attempt.attempt > 1 ? new Date() : started).toISOString(),
    status: 'RUNNING',
    ...(request.codeRoute && { codeRoute: request.codeRoute }),
  });
  await takeLease(phone, runId, leaseSeconds('signin', timeouts));
  await registerWait(phone, runId, 'MFA', timeouts.mfaCodeSeconds, { userPoolId, username });
  const signIn = await standingSignIn({
    runId,
    client,
    flow: plan.flow,
    username,
    shape: plan.shape,
    mfaOptional: plan.mfaOptional,
    smsMfaPreferred: plan.smsMfaPreferred,
    phone,
    runStartedAt: started.getTime(),
  });
  // Cognito has sent the SMS by now. The machine retries this task on throttling, and a retry would
  // send a second SMS whose session the first code cannot answer (CodeMismatch); so the save is
  // retried here, and what still fails leaves as a named error no Retry matches.
  try {
    await retryTransient(() => saveSignIn(runId, signIn));
  } catch (error) {
    throw new NamedError(
      'SignInSaveFailed',
      `The sign-in's challenge could not be saved on the run record after the SMS was sent (${awsErrorName(error) ?? 'Error'}); not retried, so no second SMS`,
    );
  }

  const { standingUser, standingUserReason, firstSignIn } = signIn;
  logger.info('sign-in started', {
    runId,
    kind: 'signin',
    userPoolId,
    region,
    authFlow: plan.flow,
    phone: maskPhone(phone),
    phoneFrom,
    attempt: attempt.attempt,
    retryOf: attempt.retryOf,
    standingUser,
    standingUserReason,
    firstSignIn,
  });
  return {
    runId,
    attempt: attempt.attempt,
    kind: 'signin',
    userPoolId,
    region,
    authFlow: plan.flow,
    phone: maskPhone(phone),
    ...(targetName !== undefined && { targetName }),
    standingUser,
    ...(standingUserReason !== undefined && { standingUserReason }),
    timeouts: { mfaCodeSeconds: timeouts.mfaCodeSeconds },
    challenge: { challenge: signIn.challengeName, destination: maskPhone(phone), ...(firstSignIn !== undefined && { firstSignIn }) },
  };
}

export const handler = taskHandler(startSignIn);
