import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { putRun } from '../../lib/runs/putRun';
import { asObject, requiredString } from '../../lib/validate';
import type { AuthFlow } from '../../lib/verify/authFlow';
import { planCheck } from '../../lib/verify/checkPlan';
import { RUN_ID } from '../../lib/verify/runId';
import { attemptFields, resolveAttempt } from '../../lib/verify/attemptRequest';
import type { Timeouts } from '../../lib/verify/timeouts';
import { syntheticUsername } from '../../lib/verify/username';

export interface RunState {
  runId: string;
  kind: 'signup';
  userPoolId: string;
  clientId: string;
  /** The pool's Region: every Cognito call of the run goes there. */
  region: string;
  /** How the user signs in (lib/verify/authFlow.ts). */
  authFlow: AuthFlow;
  /** The synthetic user's name in the pool: `synthetic-<run id>`, or that name as an address on an email-username pool. */
  username: string;
  phone: string;
  targetName?: string;
  timeouts: Timeouts;
  /** Which attempt of its check this is (1, or 2.. on the re-runs that confirm a failure). */
  attempt: number;
}

/**
 * First state of a sign-up run: validates the input, resolves the target, reads the pool and the
 * app client (the flow, refused with AuthFlowNotAllowed before any user exists; the shape of user
 * names), and writes the run record that later steps read the phone number from, so the state
 * carries only a masked one. Without `phoneNumber` the run uses the stage's inbound-SMS number
 * (parameter inboundPhoneNumberId), whose two-way SMS bring the codes back by themselves. Sign-in
 * runs start at StartSignIn instead.
 */
export async function prepareRun(event: unknown): Promise<RunState> {
  const { input: rawInput, runId: rawRunId } = asObject(event, 'event');
  const executionName = requiredString({ runId: rawRunId }, 'runId', RUN_ID);
  const attempt = await resolveAttempt(rawInput, executionName, 'signup');
  const { runId, request } = attempt;
  const { userPoolId, clientId, region, targetName, timeouts, phone } = request;
  const plan = await planCheck({ region, userPoolId, clientId }, request.authFlow, syntheticUsername(runId), phone);
  if (plan.shape === 'phone_number') {
    // The user's name would be the phone number: in the state (which must hold only a masked one),
    // and the one name clean-up could delete by, also when another user (a sign-in check's standing
    // user, a real user) already has that number.
    throw new NamedError(
      'PhoneUsernamePool',
      `Pool ${userPoolId} signs users in by phone number (UsernameAttributes phone_number), which Cognito allows one user to have: ` +
        "a sign-up check would collide with any user on its phone, sign-in checks' standing user included, and could only clean up " +
        'by phone number. Run sign-in checks (kind signin) on this pool',
    );
  }
  const run = {
    runId,
    kind: 'signup' as const,
    userPoolId,
    clientId,
    region,
    authFlow: plan.flow,
    username: plan.signInName,
    targetName,
    timeouts,
    attempt: attempt.attempt,
  };
  await putRun({
    ...run,
    ...attemptFields(attempt),
    phoneNumber: phone,
    startedAt: new Date().toISOString(),
    status: 'RUNNING',
    ...(request.codeRoute && { codeRoute: request.codeRoute }),
  });
  logger.info('run prepared', {
    runId,
    kind: run.kind,
    userPoolId,
    region,
    authFlow: plan.flow,
    phone: maskPhone(phone),
    phoneFrom: request.phoneFrom,
    attempt: attempt.attempt,
    retryOf: attempt.retryOf,
  });
  return { ...run, phone: maskPhone(phone) };
}

export const handler = taskHandler(prepareRun);
