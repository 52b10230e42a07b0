import { forgetAppClient, secretHashFor } from '../cognito/appClient';
import type { ClientRef } from '../cognito/clientRef';
import { awsErrorName, NamedError } from '../errors';

/**
 * Cognito's refusals of the app client's SECRET_HASH ("Unable to verify secret hash for client …",
 * "Client … is configured for secret but secret was not received"): every user gets them, so they
 * say nothing about the user.
 */
export function isSecretHashRefusal(error: unknown): boolean {
  return awsErrorName(error) === 'NotAuthorizedException' && error instanceof Error && /secret/i.test(error.message);
}

/**
 * Makes one call as the app client would for `username`, with the SECRET_HASH a client with a
 * secret needs (computed in lib/cognito/appClient.ts; the secret itself never reaches this module).
 * The secret is cached per container, so a secret rotated since it was read is refused: it is read
 * again once and the call repeated; refused again, the run fails AppClientSecretChanged. A refused
 * call did nothing (no SMS went out), so repeating it is safe.
 */
export async function asAppClient<T>(
  client: ClientRef,
  username: string,
  call: (secretHash: string | undefined) => Promise<T>,
): Promise<T> {
  const hash = () => secretHashFor(client.region, client.userPoolId, client.clientId, username);
  try {
    return await call(await hash());
  } catch (error) {
    if (!isSecretHashRefusal(error)) throw error;
  }
  forgetAppClient(client.region, client.userPoolId, client.clientId);
  try {
    return await call(await hash());
  } catch (error) {
    if (!isSecretHashRefusal(error)) throw error;
    throw new NamedError(
      'AppClientSecretChanged',
      `Cognito refused the SECRET_HASH of app client ${client.clientId} even after its secret was read again ` +
        `(${(error as Error).message.replace(/\.$/, '')}): the secret changed during the run, or the check's role cannot ` +
        'read the current one (DescribeUserPoolClient); run the check again, and if it persists check the client in the console',
    );
  }
}
