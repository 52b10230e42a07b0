import type { Tag } from '@aws-sdk/client-iam';

/**
 * The tag provisioning puts on what it creates (pools, the SMS role, the SNS policy), and the one
 * teardown's IAM conditions name (resources/functions.yml). The value predates issue 17: pools and
 * roles already provisioned carry it, so it stays as it is.
 */
export const MANAGED_BY = { key: 'managed-by', value: 'cognito-sms-mfa' } as const;

/** A user pool's UserPoolTags (DescribeUserPool) say provisioning made it. */
export function poolIsTagged(tags: Record<string, string> | undefined): boolean {
  return tags?.[MANAGED_BY.key] === MANAGED_BY.value;
}

/** An IAM role's or policy's Tags (GetRole, GetPolicy) say provisioning made it. */
export function iamIsTagged(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((t) => t.Key === MANAGED_BY.key && t.Value === MANAGED_BY.value);
}
