import { RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { cognitoIssuer } from '../../lib/cognito/issuer';
import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { logger } from '../../lib/logger';
import { clearAuthSession } from '../../lib/runs/authSession';
import { getRun } from '../../lib/runs/getRun';
import { takeCode } from '../../lib/runs/takeCode';
import { verifyTokens, type TokenSummary } from '../../lib/tokens/verifyTokens';
import { asObject, requiredString } from '../../lib/validate';
import { RUN_ID } from '../../lib/verify/runId';

export interface TokensOutput extends TokenSummary {
  expiresIn?: number;
  tokenType?: string;
}

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
  const result = await cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: run.clientId,
      ChallengeName: 'SMS_MFA',
      Session: run.authSession,
      ChallengeResponses: { USERNAME: run.username, SMS_MFA_CODE: code },
    }),
  );
  // A session answers once: drop it now. Failing to is no reason to fail a passing check (and to
  // retry a used session): recordResult removes it from the run record in any case.
  await clearAuthSession(runId).catch((error: Error) =>
    logger.warn('could not clear the auth session yet', { runId, errorName: error.name }),
  );
  const tokens = result.AuthenticationResult;
  if (!tokens)
    throw new NamedError('UnexpectedChallenge', `MFA answer returned the ${result.ChallengeName ?? 'no'} challenge instead of tokens`);
  const summary = await verifyTokens({
    issuer: cognitoIssuer(run.userPoolId),
    clientId: run.clientId,
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken,
  });
  return { ...summary, expiresIn: tokens.ExpiresIn, tokenType: tokens.TokenType };
}

export const handler = taskHandler(respondToAuthChallenge);
