import { DeletePolicyCommand, DeletePolicyVersionCommand, paginateListPolicyVersions } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { findPolicyByName } from '../../lib/iam/findPolicyByName';
import { IAM_POLICY_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import type { DeleteOutput } from './deleteUserPoolClient';

const iamPath = envOnce('IAM_PATH');

/**
 * IAM refuses to delete a policy that still has non-default versions, so those go first. A policy
 * still attached elsewhere fails with DeleteConflict, on purpose: someone else uses it.
 */
export async function deletePolicy(event: unknown): Promise<DeleteOutput> {
  const policyName = requiredString(asObject(event), 'policyName', IAM_POLICY_NAME);
  const policy = await findPolicyByName(policyName, iamPath());
  if (!policy?.Arn) return { deleted: false };
  try {
    for await (const page of paginateListPolicyVersions({ client: iam() }, { PolicyArn: policy.Arn })) {
      for (const version of page.Versions ?? []) {
        if (version.IsDefaultVersion || !version.VersionId) continue;
        await iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: version.VersionId }));
      }
    }
    await iam().send(new DeletePolicyCommand({ PolicyArn: policy.Arn }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error;
    return { deleted: false, id: policy.Arn };
  }
  return { deleted: true, id: policy.Arn };
}

export const handler = taskHandler(deletePolicy);
