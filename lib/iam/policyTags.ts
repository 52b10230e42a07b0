import { GetPolicyCommand, type Tag } from '@aws-sdk/client-iam';
import { iam } from '../clients';
import { isAwsError } from '../errors';

/** A managed policy's tags (GetPolicy returns them; ListPolicies does not), or undefined when it does not exist. */
export async function policyTags(policyArn: string): Promise<Tag[] | undefined> {
  try {
    const { Policy } = await iam().send(new GetPolicyCommand({ PolicyArn: policyArn }));
    return Policy?.Tags ?? [];
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntity')) return undefined;
    throw error;
  }
}
