import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../../lib/clients';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { regionOfUserPool } from '../../lib/cognito/region';
import { NamedError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { asObject, requiredString } from '../../lib/validate';

const STATUSES = ['UNCONFIRMED', 'CONFIRMED'] as const;
const USERNAME = { pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, min: 1, max: 128, describe: 'a Cognito username' };

/** The walkthrough checks the user's status after sign-up and after confirmation; so do we. */
export async function adminGetUser(event: unknown): Promise<{ status: string }> {
  const input = asObject(event);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  const username = requiredString(input, 'username', USERNAME);
  const expected = input.expectedStatus;
  if (!STATUSES.includes(expected as never)) throw new ValidationError('expectedStatus', `must be one of ${STATUSES.join(', ')}`);
  // The pool's Region: the state's, else its id's prefix.
  const region = typeof input.region === 'string' && input.region !== '' ? input.region : regionOfUserPool(userPoolId);
  const user = await cognitoIn(region).send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  if (user.UserStatus !== expected) {
    throw new NamedError('UserStatusUnexpected', `User status is ${user.UserStatus ?? 'unknown'}, expected ${String(expected)}`);
  }
  return { status: String(user.UserStatus) };
}

export const handler = taskHandler(adminGetUser);
