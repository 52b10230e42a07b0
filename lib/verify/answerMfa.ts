import type { RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { answerSmsChallenge } from '../cognito/answerSmsChallenge';
import { NamedError } from '../errors';
import type { RunItem } from '../runs/model';
import { asAppClient } from './clientSecret';
import { runClient } from './runClient';
import { refuseDeviceChallenge } from './signIn';

/**
 * Answers the run's SMS_MFA challenge (or, for the passwordless sms-otp flow, SMS_OTP: the run
 * record's challengeName says which) with the delivered code, for both kinds of check: in the
 * pool's Region, as the name the challenge knows the user by, with the client's SECRET_HASH. A
 * device challenge after it fails DeviceChallenge (the check cannot answer it); anything else is
 * left to tokensFromMfaAnswer.
 */
export async function answerRunMfa(run: RunItem, code: string): Promise<RespondToAuthChallengeCommandOutput> {
  const session = run.authSession;
  if (!session) throw new NamedError('ExpiredCode', 'The run has no Cognito auth session to answer (already used, or never started)');
  const client = runClient(run);
  const username = run.challengeUsername ?? run.username;
  const challenge = run.challengeName ?? 'SMS_MFA';
  const answer = await asAppClient(client, username, (hash) => answerSmsChallenge(challenge, client, username, session, code, hash));
  refuseDeviceChallenge(answer.ChallengeName);
  return answer;
}
