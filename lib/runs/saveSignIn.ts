import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import type { FirstSignIn } from '../verify/firstSignIn';
import type { StandingUserOutcome } from '../verify/standingUser';
import { runKey, runsTable } from './model';

export interface SignInStarted {
  /** Cognito's challenge session: a credential, on the run record only until it is answered. */
  session: string;
  standingUser: StandingUserOutcome;
  standingUserReason?: string;
  firstSignIn?: FirstSignIn;
  /** The name the challenge knows the user by (RunItem.challengeUsername). */
  challengeUsername?: string;
  /** The challenge the code answers (RunItem.challengeName). */
  challengeName?: 'SMS_MFA' | 'SMS_OTP';
}

/** What a sign-in run's start learned, in one write: the session to answer and what became of the standing user. */
export async function saveSignIn(runId: string, started: SignInStarted): Promise<void> {
  const set: Record<string, unknown> = { authSession: started.session, standingUser: started.standingUser };
  if (started.standingUserReason !== undefined) set.standingUserReason = started.standingUserReason;
  if (started.firstSignIn !== undefined) set.firstSignIn = started.firstSignIn;
  if (started.challengeUsername !== undefined) set.challengeUsername = started.challengeUsername;
  if (started.challengeName !== undefined) set.challengeName = started.challengeName;
  const keys = Object.keys(set);
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: `SET ${keys.map((_k, i) => `#k${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(keys.map((k, i) => [`:v${i}`, set[k]])),
    }),
  );
}
