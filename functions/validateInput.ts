import { taskHandler } from '../lib/handler';
import { asObject, noUnknownFields, optionalString } from '../lib/validate';
import { CLIENT_NAME, DEFAULT_NAMES, IAM_POLICY_NAME, IAM_ROLE_NAME, TARGET_NAME, USER_POOL_NAME } from '../lib/names';
import { ValidationError } from '../lib/errors';

export interface TargetNames {
  userPoolName: string;
  clientName: string;
  roleName: string;
  policyName: string;
  /** Key under which provisioning records the target for later verification runs. */
  targetName: string;
  /**
   * Who sends the pool's codes: Cognito, by SMS through the SMS role (default), or the stack's
   * Custom SMS Sender, which hands them to the waiting check and sends no SMS (pools used only
   * for checks).
   */
  smsSender: SmsSender;
}

export const SMS_SENDERS = ['cognito', 'custom-sender'] as const;
export type SmsSender = (typeof SMS_SENDERS)[number];

const FIELDS = ['userPoolName', 'clientName', 'roleName', 'policyName', 'targetName', 'smsSender'] as const;

/**
 * First state of provisioning and teardown: fills the walkthrough's defaults and checks every name
 * against the owning service's rules, so bad input fails before anything is created.
 */
export async function validateInput(event: unknown): Promise<TargetNames> {
  const input = asObject(event ?? {});
  noUnknownFields(input, FIELDS);
  const userPoolName = optionalString(input, 'userPoolName', USER_POOL_NAME, DEFAULT_NAMES.userPoolName);
  if (input.targetName === undefined && !TARGET_NAME.pattern.test(userPoolName)) {
    throw new ValidationError('targetName', `is required when userPoolName is not a valid target name (${TARGET_NAME.describe})`);
  }
  const names: TargetNames = {
    userPoolName,
    clientName: optionalString(input, 'clientName', CLIENT_NAME, DEFAULT_NAMES.clientName),
    roleName: optionalString(input, 'roleName', IAM_ROLE_NAME, DEFAULT_NAMES.roleName),
    policyName: optionalString(input, 'policyName', IAM_POLICY_NAME, DEFAULT_NAMES.policyName),
    targetName: optionalString(input, 'targetName', TARGET_NAME, userPoolName),
    smsSender: smsSenderOf(input.smsSender),
  };
  return names;
}

function smsSenderOf(value: unknown): SmsSender {
  if (value === undefined || value === null) return 'cognito';
  if (typeof value === 'string' && (SMS_SENDERS as readonly string[]).includes(value)) return value as SmsSender;
  throw new ValidationError('smsSender', `must be one of ${SMS_SENDERS.join(', ')}`);
}

export const handler = taskHandler(validateInput);
