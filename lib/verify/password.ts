import { createHmac } from 'node:crypto';
import { envOnce } from '../env';
import { getSecret } from '../secrets/getSecret';

const passwordSecretId = envOnce('PASSWORD_SECRET_ARN');

/** The fixed prefix satisfies Cognito's default policy (upper, lower, digit, symbol). */
const derive = (secret: string, what: string) => `Aa1!${createHmac('sha256', secret).update(what).digest('base64url').slice(0, 28)}`;

/**
 * The synthetic user's password, derived from the stack's secret (PASSWORD_SECRET_ARN, the callback
 * signing secret: one secret, not two) and the run id inside each
 * Lambda that needs it, so it never travels through Step Functions state or DynamoDB.
 */
export async function syntheticPassword(runId: string): Promise<string> {
  return derive(await getSecret(passwordSecretId()), `password:${runId}`);
}

/**
 * The standing user's password, from the same secret and the user's name: the same in every run,
 * stored nowhere. A rotated secret changes it; the next sign-in is then refused and the run
 * recreates the user with the new one.
 */
export async function standingUserPassword(username: string): Promise<string> {
  return derive(await getSecret(passwordSecretId()), `standing-password:${username}`);
}
