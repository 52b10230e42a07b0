import { paginateListUserPoolClients } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';
import { DuplicateName } from '../errors';

/** The app client with this name in the pool, over all pages; duplicates are an error. */
export async function findUserPoolClientByName(userPoolId: string, name: string): Promise<string | undefined> {
  const ids: string[] = [];
  const pages = paginateListUserPoolClients({ client: cognito(), pageSize: 60 }, { UserPoolId: userPoolId, MaxResults: 60 });
  for await (const page of pages) {
    for (const client of page.UserPoolClients ?? []) if (client.ClientName === name && client.ClientId) ids.push(client.ClientId);
  }
  if (ids.length > 1) throw new DuplicateName('UserPoolClient', name, ids);
  return ids[0];
}
