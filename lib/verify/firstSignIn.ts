import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runKey, runsTable } from '../runs/model';

/**
 * What a synthetic user's first password sign-in returned. Cognito documents that a new user's
 * first sign-in may return tokens although the pool requires MFA (confirming the sign-up code
 * counted as the second factor); only the sign-ins after it must be challenged. So:
 * - `mfa-challenged`: the first sign-in was answered with SMS_MFA (what the seed's transcript shows);
 * - `tokens-without-mfa`: the first sign-in returned tokens, the second was challenged.
 */
export const FIRST_SIGN_IN = ['mfa-challenged', 'tokens-without-mfa'] as const;
export type FirstSignIn = (typeof FIRST_SIGN_IN)[number];

/** The outcome an earlier attempt of the InitiateAuth task recorded on the run, if any. */
export function firstSignInOf(run: object): FirstSignIn | undefined {
  const value = (run as { firstSignIn?: unknown }).firstSignIn;
  return (FIRST_SIGN_IN as readonly unknown[]).includes(value) ? (value as FirstSignIn) : undefined;
}

/**
 * Kept on the run record (it outlives the run, for history), and read back by a retried
 * InitiateAuth task: once the first sign-in happened, any later one that returns tokens means MFA
 * is not enforced.
 */
export async function recordFirstSignIn(runId: string, outcome: FirstSignIn): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: runsTable(),
      Key: runKey(runId),
      UpdateExpression: 'SET #f = :f',
      ExpressionAttributeNames: { '#f': 'firstSignIn' },
      ExpressionAttributeValues: { ':f': outcome },
    }),
  );
}
