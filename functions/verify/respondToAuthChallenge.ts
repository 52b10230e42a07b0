import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { clearAuthSession } from '../../lib/runs/authSession';
import { getRun } from '../../lib/runs/getRun';
import { takeCode } from '../../lib/runs/takeCode';
import { asObject, requiredString } from '../../lib/validate';
import { answerRunMfa } from '../../lib/verify/answerMfa';
import { runClient } from '../../lib/verify/runClient';
import { tokensFromMfaAnswer, type TokensOutput } from '../../lib/verify/mfaTokens';
import { RUN_ID } from '../../lib/verify/runId';

export type { TokensOutput };

/**
 * Answers the SMS_MFA challenge and verifies the tokens right here: only a summary leaves the
 * Lambda, so no JWT reaches Step Functions state or logs.
 */
export async function respondToAuthChallenge(event: unknown): Promise<TokensOutput> {
  const runId = requiredString(asObject(event), 'runId', RUN_ID);
  const run = await getRun(runId);
  if (!run.authSession)
    throw new NamedError('ExpiredCode', 'The run has no Cognito auth session to answer (already used, or never started)');
  const { code } = await takeCode(run.phoneNumber, runId, 'MFA');
  const answer = await answerRunMfa(run, code);
  // A session answers once: drop it now. Failing to is no reason to fail a passing check (and to
  // retry a used session): recordResult removes it from the run record in any case.
  await clearAuthSession(runId).catch((error: Error) =>
    logger.warn('could not clear the auth session yet', { runId, errorName: error.name }),
  );
  // The run carries the pool's Region and the name the user signed in with (tokensFromMfaAnswer's refresh needs both).
  const runInRegion = { ...run, region: runClient(run).region };
  return tokensFromMfaAnswer(answer, runInRegion);
}

export const handler = taskHandler(respondToAuthChallenge);
