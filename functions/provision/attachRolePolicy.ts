import { AttachRolePolicyCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { ValidationError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { IAM_ROLE_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import { POLICY_ARN } from '../../lib/iam/arns';

export type AttachRolePolicyOutput =
  | { roleName: string; policyArn: string; attached: true }
  /** The role is not ours: nothing was changed on it (teardown, which only detaches from our roles, could never undo it). */
  | { roleName: string; policyArn: string; attached: false; kept: 'NotManaged'; reason: string };

/**
 * Attaches the SNS policy to the SMS role, only when the role is ours (EnsureSmsRole's `managed`:
 * created now, or tagged managed-by and stage = this stage). A role found by name that is not ours
 * is left as it is, and provisioning goes on: the pool can still send SMS if that role already
 * allows sns:Publish, which readiness (`target show`) tells. AttachRolePolicy is idempotent in IAM:
 * attaching twice changes nothing and does not fail.
 */
export async function attachRolePolicy(event: unknown): Promise<AttachRolePolicyOutput> {
  const input = asObject(event);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyArn = requiredString(input, 'policyArn', POLICY_ARN);
  // Required, not defaulted: a caller that forgot to say whose role it is must not change it.
  if (typeof input.roleManaged !== 'boolean') throw new ValidationError('roleManaged', 'must be true or false');
  if (!input.roleManaged) {
    return {
      roleName,
      policyArn,
      attached: false,
      kept: 'NotManaged',
      reason:
        `role ${roleName} was found by name and was not made by this stage's provisioning, so it is not changed: ` +
        'the pool sends SMS only if the role already allows sns:Publish (see `cogcheck target show`); ' +
        'attach such a policy to it yourself, or provision with a roleName of its own',
    };
  }
  await iam().send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  return { roleName, policyArn, attached: true };
}

export const handler = taskHandler(attachRolePolicy);
