import type {
  LambdaConfigType,
  SmsConfigurationType,
  UpdateUserPoolCommandInput,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * What DescribeUserPool returns that UpdateUserPool does not take: identity, timestamps, counts
 * and status, and the settings fixed when a pool is created (sign-in attributes, username case
 * sensitivity, the attribute schema, which only AddCustomAttributes extends). Domains have
 * their own calls.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its type is used, by the compile-time guard below
const READ_ONLY = [
  'Id',
  'Arn',
  'Status',
  'CreationDate',
  'LastModifiedDate',
  'EstimatedNumberOfUsers',
  'SmsConfigurationFailure',
  'EmailConfigurationFailure',
  'SchemaAttributes',
  'AliasAttributes',
  'UsernameAttributes',
  'UsernameConfiguration',
  'Domain',
  'CustomDomain',
] as const satisfies readonly (keyof UserPoolType)[];

/** Settings sent back as they are. */
const CARRIED = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
  'DcrConfiguration',
  'KeyConfiguration',
  'IssuerConfiguration',
  'AcrConfiguration',
] as const satisfies readonly (keyof UserPoolType & keyof UpdateUserPoolCommandInput)[];

/** Settings carried in another form: `Name` as `PoolName`; the legacy message fields (see below). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its type is used, by the compile-time guard below
const MAPPED = [
  'Name',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
] as const satisfies readonly (keyof UserPoolType)[];

/**
 * Compile-time guard: every field of `UserPoolType` is carried, mapped or known to be read-only.
 * When an SDK upgrade adds a pool setting, this stops compiling until the new field is
 * classified, instead of UpdateUserPool silently resetting it to its default.
 */
type Unclassified = Exclude<keyof UserPoolType, (typeof READ_ONLY)[number] | (typeof CARRIED)[number] | (typeof MAPPED)[number]>;
const everyFieldClassified: [Unclassified] extends [never] ? true : Unclassified = true;
void everyFieldClassified;

export interface UserPoolUpdateOverrides {
  /** Merged over the pool's LambdaConfig: the triggers it names are set, all others kept. */
  LambdaConfig?: LambdaConfigType;
  /**
   * Replaces the pool's SmsConfiguration whole (lib/cognito/smsPath.ts smsConfigurationFor): one
   * path's fields only, so the other path is cleared, as Cognito allows "either ... but not both".
   */
  SmsConfiguration?: SmsConfigurationType;
}

/**
 * The complete UpdateUserPool request that leaves a pool as DescribeUserPool shows it, with the
 * given Lambda triggers changed. UpdateUserPool resets every setting a request leaves out
 * (schema aside: triggers, messages, MFA, password policy, deletion protection...), so a partial
 * update must always be built from a fresh DescribeUserPool through here.
 *
 * Documented pitfalls handled:
 * - read-only and create-time fields are left out (sending them is refused);
 * - `AdminCreateUserConfig.UnusedAccountValidityDays` is deprecated: DescribeUserPool still
 *   returns it next to `Policies.PasswordPolicy.TemporaryPasswordValidityDays`, which wins; it is
 *   sent only when the password policy has no such value (then moved there when there is a policy);
 * - `SmsVerificationMessage`, `EmailVerificationMessage` and `EmailVerificationSubject` are
 *   "no longer used" in favour of `VerificationMessageTemplate`: they are sent only for a pool
 *   that has no template, so the two can never disagree;
 * - `Name` is sent as `PoolName` (UpdateUserPool can rename a pool; same name, no change).
 * The input is not modified.
 */
export function userPoolUpdateInput(pool: UserPoolType, overrides: UserPoolUpdateOverrides = {}): UpdateUserPoolCommandInput {
  if (!pool.Id) throw new Error('userPoolUpdateInput needs the pool as DescribeUserPool returns it (no Id)');
  const copy = structuredClone(pool);
  const input: UpdateUserPoolCommandInput = { UserPoolId: pool.Id };
  const carried = input as unknown as Record<string, unknown>;
  for (const field of CARRIED) {
    if (copy[field] !== undefined) carried[field] = copy[field];
  }
  if (copy.Name !== undefined) input.PoolName = copy.Name;

  if (!copy.VerificationMessageTemplate) {
    if (copy.SmsVerificationMessage !== undefined) input.SmsVerificationMessage = copy.SmsVerificationMessage;
    if (copy.EmailVerificationMessage !== undefined) input.EmailVerificationMessage = copy.EmailVerificationMessage;
    if (copy.EmailVerificationSubject !== undefined) input.EmailVerificationSubject = copy.EmailVerificationSubject;
  }

  const unusedDays = input.AdminCreateUserConfig?.UnusedAccountValidityDays;
  if (input.AdminCreateUserConfig && unusedDays !== undefined) {
    const passwordPolicy = input.Policies?.PasswordPolicy;
    if (passwordPolicy) {
      passwordPolicy.TemporaryPasswordValidityDays ??= unusedDays;
      delete input.AdminCreateUserConfig.UnusedAccountValidityDays;
    }
  }

  if (overrides.SmsConfiguration) input.SmsConfiguration = structuredClone(overrides.SmsConfiguration);
  if (overrides.LambdaConfig) input.LambdaConfig = { ...input.LambdaConfig, ...structuredClone(overrides.LambdaConfig) };
  return input;
}
