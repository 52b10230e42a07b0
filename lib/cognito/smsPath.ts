import type { SmsConfigurationType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { optionalEnv } from '../env';
import { NamedError, ValidationError } from '../errors';

/**
 * How a pool sends its SMS (issue 18): `sns`, Cognito's SmsConfiguration.SnsCallerArn (the
 * default), or `eums`, AWS End User Messaging SMS directly (SmsConfiguration.EumsSms: CallerArn,
 * ExternalId, ConfigurationSetName), whose configuration set's events become the runs' delivery
 * evidence. A pool has one or the other: "provide either the Amazon SNS configuration
 * (SnsCallerArn) or this configuration, but not both" (Cognito API reference, SmsConfigurationType).
 */
export const SMS_PATHS = ['sns', 'eums'] as const;
export type SmsPath = (typeof SMS_PATHS)[number];

export function requestedSmsPath(value: unknown, field = 'smsPath'): SmsPath {
  if (value === undefined || value === null) return 'sns';
  if (typeof value === 'string' && (SMS_PATHS as readonly string[]).includes(value)) return value as SmsPath;
  throw new ValidationError(field, `must be one of ${SMS_PATHS.join(', ')}`);
}

export const EUMS_NOT_DEPLOYED = 'EumsSmsPathNotDeployed';
export const EUMS_HOW_TO =
  'This stage has no End User Messaging configuration set: deploy it with --param="smsPath=eums", then provision again.';

/** The stack's configuration set (resources/delivery.yml), or a named error saying which param makes it. */
export function requireEumsConfigurationSet(): string {
  const name = optionalEnv('EUMS_CONFIGURATION_SET');
  if (!name) throw new NamedError(EUMS_NOT_DEPLOYED, EUMS_HOW_TO);
  return name;
}

/** The whole SmsConfiguration for a path: the other path's fields are left out, so Cognito clears them. */
export function smsConfigurationFor(path: SmsPath, roleArn: string, externalId: string): SmsConfigurationType {
  if (path === 'sns') return { SnsCallerArn: roleArn, ExternalId: externalId };
  return { EumsSms: { CallerArn: roleArn, ExternalId: externalId, ConfigurationSetName: requireEumsConfigurationSet() } };
}

/** The path a pool sends by now (a pool with neither is reported as `sns`, Cognito's older default). */
export const smsPathOfPool = (pool: UserPoolType | undefined): SmsPath => (pool?.SmsConfiguration?.EumsSms ? 'eums' : 'sns');
