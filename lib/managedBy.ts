import type { Tag } from '@aws-sdk/client-iam';
import { requireEnv } from './env';

/**
 * The tag provisioning puts on what it creates (pools, the SMS role, the SNS policy), and the one
 * teardown's IAM conditions name (resources/functions.yml). The value predates issue 17: pools and
 * roles already provisioned carry it, so it stays as it is.
 */
export const MANAGED_BY = { key: 'managed-by', value: 'cognito-sms-mfa' } as const;

/**
 * The second tag: which stage made it. Default names (MyUserPool, MyUserPool-SMS-Role, the IAM path)
 * are the same on every stage, so `managed-by` alone would let one stage claim, and then delete,
 * what another stage made in the same account and Region.
 */
export const STAGE_TAG = 'stage';

/** The deployed stage (serverless.yml sets STAGE from ${sls:stage}). */
export const thisStage = (): string => requireEnv('STAGE');

/** The tags provisioning puts on what it creates, as a map (Cognito) ... */
export const ownTags = (): Record<string, string> => ({ [MANAGED_BY.key]: MANAGED_BY.value, [STAGE_TAG]: thisStage() });
/** ... and as a list (IAM). */
export const ownIamTags = (): Tag[] => Object.entries(ownTags()).map(([Key, Value]) => ({ Key, Value }));

/**
 * Why tags do not make a resource this stage's, or undefined when they do (`managed-by` and
 * `stage` = STAGE). A resource tagged `managed-by` without `stage` was made before stages were
 * tagged: whose it is cannot be told, so no stage claims it (README "Adopting a pool provisioned
 * before stage tags" says how to tag it for the stage that owns it).
 */
export function notOursBecause(tags: Record<string, string> | undefined): string | undefined {
  if (tags?.[MANAGED_BY.key] !== MANAGED_BY.value) return `has no tag ${MANAGED_BY.key}=${MANAGED_BY.value}: provisioning did not make it`;
  const stage = thisStage();
  const tagged = tags[STAGE_TAG];
  if (tagged === undefined) {
    return (
      `has no tag ${STAGE_TAG}: made before stages were tagged, so no stage claims it; ` +
      `if stage ${stage} made it, tag it ${STAGE_TAG}=${stage} (README "Adopting a pool provisioned before stage tags")`
    );
  }
  if (tagged !== stage) return `was made by stage ${tagged}, not by this stage (${stage})`;
  return undefined;
}

/** The same for an IAM role's or policy's Tags (GetRole, GetPolicy). */
export const iamNotOursBecause = (tags: readonly Tag[] | undefined): string | undefined =>
  notOursBecause(Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ''])));
