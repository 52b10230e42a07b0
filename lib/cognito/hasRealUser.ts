import { paginateListUsers } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';
import { isSyntheticUsername } from '../verify/username';

/**
 * How many users are read before giving up on proving a pool holds only synthetic users: a check's
 * pool holds a standing user and the users of runs in flight, far fewer.
 */
export const MAX_USERS_READ = 600;

/**
 * Whether the pool has a user that is not one of the checks' own: the first such user's presence,
 * or `undefined` when more than MAX_USERS_READ users were read without an answer. Only usernames
 * are read (no attributes), so nothing about a real user leaves Cognito.
 */
export async function hasRealUser(userPoolId: string): Promise<boolean | undefined> {
  let read = 0;
  for await (const page of paginateListUsers({ client: cognito(), pageSize: 60 }, { UserPoolId: userPoolId, AttributesToGet: [] })) {
    for (const user of page.Users ?? []) {
      if (!isSyntheticUsername(user.Username)) return true;
      read++;
    }
    if (read >= MAX_USERS_READ && page.PaginationToken) return undefined;
  }
  return false;
}
