import { paginateListUserPools } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';

/** Every pool id in the Region, over all pages (ListUserPools returns neither tags nor SMS settings). */
export async function listUserPoolIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListUserPools({ client: cognito(), pageSize: 60 }, { MaxResults: 60 })) {
    for (const pool of page.UserPools ?? []) if (pool.Id) ids.push(pool.Id);
  }
  return ids;
}
