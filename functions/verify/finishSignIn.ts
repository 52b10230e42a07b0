import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { maskPhone } from '../../lib/phone';
import { getRun } from '../../lib/runs/getRun';
import { releasePhone } from '../../lib/runs/releasePhone';
import { takeCode } from '../../lib/runs/takeCode';
import { asObject, requiredString } from '../../lib/validate';
import { answerRunMfa } from '../../lib/verify/answerMfa';
import type { AuthFlow } from '../../lib/verify/authFlow';
import type { FirstSignIn } from '../../lib/verify/firstSignIn';
import { tokensFromMfaAnswer, type TokensOutput } from '../../lib/verify/mfaTokens';
import { recordVerdict } from '../../lib/verify/recordVerdict';
import { runClient, runFlow } from '../../lib/verify/runClient';
import { RUN_ID } from '../../lib/verify/runId';
import type { StandingUserOutcome } from '../../lib/verify/standingUser';
import type { StepTiming } from '../../lib/verify/stepTimings';

const EXECUTION_ARN = {
  pattern: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/,
  min: 20,
  max: 2048,
  describe: 'an execution ARN',
};

/** The output of a passing sign-in run (the execution's output): ids, masked phone, a token summary, no secret. */
export interface SignInResult {
  verdict: 'PASS';
  kind: 'signin';
  /** How the user signed in (lib/verify/authFlow.ts). */
  authFlow: AuthFlow;
  /** The pool's Region. */
  region: string;
  runId: string;
  userPoolId: string;
  phone: string;
  standingUser?: StandingUserOutcome;
  standingUserReason?: string;
  firstSignIn?: FirstSignIn;
  tokens: TokensOutput;
  durationMs?: number;
  steps: StepTiming[];
}

/**
 * Last task of a sign-in run: takes the delivered MFA code off the wait, answers the SMS_MFA
 * challenge, verifies the tokens here (only a summary leaves the Lambda), frees the phone and
 * records the pass. Any failure goes to the machine's failure path, which holds the phone a moment
 * and records the named reason; the standing user is kept either way.
 */
export async function finishSignIn(event: unknown): Promise<SignInResult> {
  const input = asObject(event);
  const runId = requiredString(input, 'runId', RUN_ID);
  const executionArn = requiredString(input, 'executionArn', EXECUTION_ARN);
  const startedAt = typeof input.startedAt === 'string' ? input.startedAt : undefined;
  const run = await getRun(runId);
  if (!run.authSession)
    throw new NamedError('ExpiredCode', 'The run has no Cognito auth session to answer (already used, or never started)');
  const { code } = await takeCode(run.phoneNumber, runId, 'MFA');
  // The session answers once; recordVerdict removes it from the run record on every path.
  // The run carries the pool's Region and the name the user signed in with (tokensFromMfaAnswer's refresh needs both).
  const client = runClient(run);
  const runInRegion = { ...run, region: client.region };
  const tokens = await tokensFromMfaAnswer(await answerRunMfa(run, code), runInRegion);
  await releasePhone(run.phoneNumber, runId);
  const verdict = await recordVerdict({ runId, executionArn, startedAt });
  return {
    verdict: 'PASS',
    kind: 'signin',
    authFlow: runFlow(run),
    region: client.region,
    runId,
    userPoolId: run.userPoolId,
    phone: maskPhone(run.phoneNumber),
    standingUser: run.standingUser,
    ...(run.standingUserReason !== undefined && { standingUserReason: run.standingUserReason }),
    ...(run.firstSignIn !== undefined && { firstSignIn: run.firstSignIn }),
    tokens,
    durationMs: verdict.durationMs,
    steps: verdict.steps,
  };
}

export const handler = taskHandler(finishSignIn);
