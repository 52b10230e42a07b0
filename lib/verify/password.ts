import { createHmac } from 'node:crypto';
import { envOnce } from '../env';
import { getSecret } from '../secrets/getSecret';

const passwordSecretId = envOnce('PASSWORD_SECRET_ARN');

/**
 * The synthetic user's password, derived from the stack's secret (PASSWORD_SECRET_ARN, the callback
 * signing secret: one secret, not two) and the run id inside each
 * Lambda that needs it, so it never travels through Step Functions state or DynamoDB.
 * The fixed prefix satisfies Cognito's default policy (upper, lower, digit, symbol).
 */
export async function syntheticPassword(runId: string): Promise<string> {
  const secret = await getSecret(passwordSecretId());
  return `Aa1!${createHmac('sha256', secret).update(`password:${runId}`).digest('base64url').slice(0, 28)}`;
}
