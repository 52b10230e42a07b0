import { optionalEnv } from '../env';
import type { ManagedResources } from '../target';

/**
 * The stack's own End User Messaging send policy (resources/delivery.yml), which provisioning
 * attaches to the SMS role on smsPath eums. CloudFormation owns it: teardown may detach it from
 * provisioning's role, never delete it. Undefined on stages deployed without smsPath=eums.
 */
export const stackSendPolicyArn = (): string | undefined => optionalEnv('EUMS_SEND_POLICY_ARN');

/**
 * The stack's send policy when the target's record says it went on the role: the record names it
 * as the policy, or names the role and no policy (smsPath eums records none: provisioning did not
 * make the policy it attached, ensureSnsPolicy says managed: false). Callers look the input's policy
 * up by name first in the second case, so a role with an SNS policy keeps today's handling.
 */
export function stackPolicyOnRole(managed: Partial<ManagedResources>, roleName: string): string | undefined {
  const arn = stackSendPolicyArn();
  if (!arn) return undefined;
  if (managed.policyArn === arn) return arn;
  return managed.roleName === roleName && !managed.policyArn ? arn : undefined;
}
