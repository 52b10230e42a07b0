import { paginateListUserPools } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';
import { DuplicateName } from '../errors';

/**
 * The user pool with this name, over all pages. Cognito allows duplicate pool names, and picking
 * one at random would provision or check the wrong pool, so duplicates are an error.
 */
export async function findUserPoolByName(name: string): Promise<string | undefined> {
  const ids: string[] = [];
  for await (const page of paginateListUserPools({ client: cognito(), pageSize: 60 }, { MaxResults: 60 })) {
    for (const pool of page.UserPools ?? []) if (pool.Name === name && pool.Id) ids.push(pool.Id);
  }
  if (ids.length > 1) throw new DuplicateName('UserPool', name, ids);
  return ids[0];
}
