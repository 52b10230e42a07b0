import { paginateListPolicies, type Policy } from '@aws-sdk/client-iam';
import { iam } from '../clients';

/**
 * Customer-managed policy by name, over every page (the manual walkthrough read only the first
 * page, which misses policies in a busy account). Names are unique per account, so at most one.
 */
export async function findPolicyByName(policyName: string, pathPrefix: string): Promise<Policy | undefined> {
  for await (const page of paginateListPolicies({ client: iam() }, { Scope: 'Local', PathPrefix: pathPrefix })) {
    const found = page.Policies?.find((p) => p.PolicyName === policyName);
    if (found) return found;
  }
  return undefined;
}
