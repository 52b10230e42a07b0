import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../../lib/clients';
import { USER_POOL_ID } from '../../lib/cognito/ids';
import { regionOfUserPool } from '../../lib/cognito/region';
import { isAwsError, ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { asObject, requiredString } from '../../lib/validate';
import { isStandingUsername } from '../../lib/verify/standingUser';
import { isSyntheticSignInName } from '../../lib/verify/username';

const USERNAME = { pattern: /^\S+$/, min: 11, max: 128, describe: 'a synthetic user name' };

/**
 * Runs on every path, also when sign-up never happened, so a missing user is fine. Only
 * synthetic users can be named here (`synthetic-<run id>`, or on an email-username pool
 * `synthetic-<run id>@<SYNTHETIC_EMAIL_DOMAIN>`, the name that identifies our user there): a bug
 * elsewhere can never delete a real user. `region`: the pool's (the state's; else its id's prefix).
 */
export async function adminDeleteUser(event: unknown): Promise<{ deleted: boolean }> {
  const input = asObject(event);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  const username = requiredString(input, 'username', USERNAME);
  if (!isSyntheticSignInName(username)) {
    throw new ValidationError(
      'username',
      'must be a synthetic user name (synthetic-<run id>, or synthetic-<run id>@<synthetic email domain>)',
    );
  }
  // Sign-in checks keep their standing user on every path: only a sign-up run's own user goes here.
  if (isStandingUsername(username)) throw new ValidationError('username', 'is a standing user of sign-in checks, which is kept');
  const region = typeof input.region === 'string' && input.region !== '' ? input.region : regionOfUserPool(userPoolId);
  try {
    await cognitoIn(region).send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return { deleted: false };
    throw error;
  }
  return { deleted: true };
}

export const handler = taskHandler(adminDeleteUser);
