import { envOnce } from './env';

/** A provisioned pool that verification runs can look up by name. */
export interface Target {
  name: string;
  region: string;
  userPoolId: string;
  userPoolArn: string;
  userPoolName: string;
  clientId: string;
  clientName: string;
}

const prefix = envOnce('TARGET_PARAMETER_PREFIX');

/** e.g. /cognito-sms-mfa/dev/targets/MyUserPool; the prefix is per stage so stages never share targets. */
export function targetParameterName(name: string): string {
  return `${prefix().replace(/\/+$/, '')}/${name}`;
}
