import { randomUUID } from 'node:crypto';
import { taskHandler } from '../../lib/handler';
import { CreateRoleCommand, GetRoleCommand, type Role } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { isAwsError, NamedError, SmsRoleTrustMismatch } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { iamNotOursBecause, ownIamTags } from '../../lib/managedBy';
import { asObject, requiredString } from '../../lib/validate';
import { IAM_ROLE_NAME } from '../../lib/names';
import { cognitoSmsTrustPolicy, readExternalId } from '../../lib/iam/smsTrustPolicy';

const iamPath = envOnce('IAM_PATH');

export interface EnsureSmsRoleInput {
  roleName: string;
}
export interface EnsureSmsRoleOutput {
  roleName: string;
  roleArn: string;
  externalId: string;
  created: boolean;
  /** Made by this stage's provisioning: created now, or found tagged `managed-by` and `stage` = STAGE (GetRole returns tags). */
  managed: boolean;
}

/**
 * The role Cognito assumes to publish SMS. The ExternalId is generated once, at creation; a re-run
 * reads it back from the trust policy, because the user pool's SmsConfiguration must match it.
 */
export async function ensureSmsRole(event: unknown): Promise<EnsureSmsRoleOutput> {
  const roleName = requiredString(asObject(event), 'roleName', IAM_ROLE_NAME);
  const externalId = randomUUID().toLowerCase();
  try {
    const created = await iam().send(
      new CreateRoleCommand({
        RoleName: roleName,
        Path: iamPath(),
        AssumeRolePolicyDocument: JSON.stringify(cognitoSmsTrustPolicy(externalId)),
        Description: 'Lets Amazon Cognito publish SMS (sign-up codes, MFA codes) through SNS',
        Tags: ownIamTags(),
      }),
    );
    logger.info('created SMS role', { roleName });
    return { roleName, roleArn: arnOf(created.Role, roleName), externalId, created: true, managed: true };
  } catch (error) {
    if (!isAwsError(error, 'EntityAlreadyExists')) throw error;
  }
  const { Role: role } = await iam().send(new GetRoleCommand({ RoleName: roleName }));
  if (role?.Path !== iamPath()) {
    throw new NamedError(
      'SmsRoleOutsideManagedPath',
      `Role ${roleName} exists at path ${role?.Path ?? '?'}, outside ${iamPath()}, where this stack may manage roles; ` +
        'choose another roleName or deploy with the iamPath parameter set to that path.',
    );
  }
  const found = readExternalId(role.AssumeRolePolicyDocument);
  if ('differences' in found) throw new SmsRoleTrustMismatch(roleName, found.differences);
  const notOurs = iamNotOursBecause(role.Tags);
  logger.info(notOurs ? `reusing SMS role, which ${notOurs}: teardown will keep it` : 'reusing SMS role', { roleName });
  return { roleName, roleArn: arnOf(role, roleName), externalId: found.externalId, created: false, managed: !notOurs };
}

function arnOf(role: Role | undefined, roleName: string): string {
  if (!role?.Arn) throw new NamedError('Unexpected', `IAM returned no ARN for role ${roleName}`);
  return role.Arn;
}

export const handler = taskHandler(ensureSmsRole);
