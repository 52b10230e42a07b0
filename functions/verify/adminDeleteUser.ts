import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { isAwsError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { asObject, requiredString } from '../../lib/validate';
import { isStandingUsername } from '../../lib/verify/standingUser';
import { SYNTHETIC_USERNAME } from '../../lib/verify/username';

const USERNAME = { pattern: SYNTHETIC_USERNAME, min: 11, max: 128, describe: 'a synthetic user name (synthetic-<run id>)' };

/**
 * Runs on every path, also when sign-up never happened, so a missing user is fine. Only
 * synthetic users can be named here: a bug elsewhere can never delete a real user.
 */
export async function adminDeleteUser(event: unknown): Promise<{ deleted: boolean }> {
  const input = asObject(event);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  const username = requiredString(input, 'username', USERNAME);
  // Sign-in checks keep their standing user on every path: only a sign-up run's own user goes here.
  if (isStandingUsername(username)) throw new ValidationError('username', 'is a standing user of sign-in checks, which is kept');
  try {
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return { deleted: false };
    throw error;
  }
  return { deleted: true };
}

export const handler = taskHandler(adminDeleteUser);
