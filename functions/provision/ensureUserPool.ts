import { CreateUserPoolCommand, DescribeUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../../lib/clients';
import { findUserPoolByName } from '../../lib/cognito/findUserPoolByName';
import { requestedSmsSender, smsSenderOfPool, type SmsSender } from '../../lib/cognito/smsSender';
import { NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { ROLE_ARN } from '../../lib/iam/arns';
import { logger } from '../../lib/logger';
import { notOursBecause, ownTags } from '../../lib/managedBy';
import { USER_POOL_NAME } from '../../lib/names';
import { asObject, requiredString, type StringRule } from '../../lib/validate';
import { requestedSmsPath, smsConfigurationFor, smsPathOfPool, type SmsPath } from '../../lib/cognito/smsPath';

const EXTERNAL_ID: StringRule = { pattern: /^[\w+=,.@:/-]+$/, min: 2, max: 1224, describe: 'letters, digits and _+=,.@:/-' };

export interface EnsureUserPoolOutput {
  userPoolId: string;
  userPoolArn: string;
  created: boolean;
  /**
   * Whether this stage's provisioning made the pool (now, or before: it carries `managed-by` and
   * `stage` = STAGE). A pool found by name without both is someone else's (another stage's, or made
   * by hand): used, never tagged, never deleted by teardown.
   */
  managed: boolean;
  /** How an existing pool differs from what provisioning would create; reported, never overwritten. */
  drift: string[];
  /** Who sends the pool's codes now: Cognito by SMS, or a Custom SMS Sender Lambda. */
  smsSender: SmsSender;
}

/**
 * The SMS-MFA user pool of the walkthrough. Right after the role is created, Cognito may not yet
 * be able to assume it (IAM is eventually consistent): the InvalidSmsRole* errors propagate with
 * their names so the state machine retries them with backoff.
 */
export async function ensureUserPool(event: unknown): Promise<EnsureUserPoolOutput> {
  const input = asObject(event);
  const userPoolName = requiredString(input, 'userPoolName', USER_POOL_NAME);
  const roleArn = requiredString(input, 'roleArn', ROLE_ARN);
  const externalId = requiredString(input, 'externalId', EXTERNAL_ID);
  const wanted = requestedSmsSender(input.smsSender);
  const smsPath = requestedSmsPath(input.smsPath);

  const existingId = await findUserPoolByName(userPoolName);
  if (existingId) {
    const { UserPool: pool } = await cognito().send(new DescribeUserPoolCommand({ UserPoolId: existingId }));
    const smsSender = smsSenderOfPool(pool);
    const drift = describeDrift(pool, roleArn, externalId, smsPath);
    // Switching to the Custom SMS Sender is asked for by name (the next state does it); switching
    // back is not, because it would start sending real SMS from a pool that never did.
    if (smsSender === 'custom-sender' && wanted === 'cognito') {
      drift.push('LambdaConfig.CustomSMSSender is set: codes go to a Lambda, Cognito sends no SMS (custom-sender mode)');
    }
    if (drift.length) logger.warn('existing user pool differs from the provisioning spec', { userPoolId: existingId, drift });
    const notOurs = notOursBecause(pool?.UserPoolTags);
    if (notOurs) logger.warn(`existing user pool ${notOurs}: teardown will keep it`, { userPoolId: existingId });
    const managed = !notOurs;
    return { userPoolId: existingId, userPoolArn: arnOf(pool, userPoolName), created: false, managed, drift, smsSender };
  }

  const { UserPool: pool } = await cognito().send(
    new CreateUserPoolCommand({
      PoolName: userPoolName,
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: smsConfigurationFor(smsPath, roleArn, externalId),
      MfaConfiguration: 'ON',
      UsernameConfiguration: { CaseSensitive: false },
      Schema: [{ Name: 'phone_number', AttributeDataType: 'String', Required: true, Mutable: true }],
      UserPoolTags: ownTags(),
    }),
  );
  if (!pool?.Id) throw new NamedError('Unexpected', `Cognito returned no id for user pool ${userPoolName}`);
  logger.info('created user pool', { userPoolId: pool.Id });
  return { userPoolId: pool.Id, userPoolArn: arnOf(pool, userPoolName), created: true, managed: true, drift: [], smsSender: 'cognito' };
}

function arnOf(pool: UserPoolType | undefined, name: string): string {
  if (!pool?.Arn) throw new NamedError('Unexpected', `Cognito returned no ARN for user pool ${name}`);
  return pool.Arn;
}

export function describeDrift(pool: UserPoolType | undefined, roleArn: string, externalId: string, smsPath: SmsPath = 'sns'): string[] {
  const drift: string[] = [];
  if (pool?.MfaConfiguration !== 'ON') drift.push(`MfaConfiguration is ${pool?.MfaConfiguration ?? 'unset'}, expected ON`);
  if (!pool?.AutoVerifiedAttributes?.includes('phone_number')) drift.push('phone_number is not auto-verified');
  const current = smsPathOfPool(pool);
  if (current !== smsPath) drift.push(`the pool sends SMS through ${current}, not ${smsPath} (smsPath; not switched here)`);
  else if (smsPath === 'eums') {
    const eums = pool?.SmsConfiguration?.EumsSms;
    if (eums?.CallerArn !== roleArn) drift.push(`SmsConfiguration.EumsSms.CallerArn is not ${roleArn}`);
    if (eums?.ExternalId !== externalId) drift.push('SmsConfiguration.EumsSms.ExternalId differs from the role trust policy');
  } else {
    if (pool?.SmsConfiguration?.SnsCallerArn !== roleArn) drift.push(`SmsConfiguration.SnsCallerArn is not ${roleArn}`);
    if (pool?.SmsConfiguration?.ExternalId !== externalId) drift.push('SmsConfiguration.ExternalId differs from the role trust policy');
  }
  if (pool?.UsernameConfiguration?.CaseSensitive !== false) drift.push('usernames are case-sensitive');
  return drift;
}

export const handler = taskHandler(ensureUserPool);
