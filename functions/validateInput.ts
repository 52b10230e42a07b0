import { taskHandler } from '../lib/handler';
import { asObject, noUnknownFields, optionalString } from '../lib/validate';
import { CLIENT_NAME, DEFAULT_NAMES, IAM_POLICY_NAME, IAM_ROLE_NAME, TARGET_NAME, USER_POOL_NAME } from '../lib/names';
import { ValidationError } from '../lib/errors';
import { requestedSmsSender, type SmsSender } from '../lib/cognito/smsSender';
import { requestedSmsPath, requireEumsConfigurationSet, type SmsPath } from '../lib/cognito/smsPath';
import { requireCustomSmsSenderKeyArn } from '../lib/sms/routeSettings';
import { findTarget, targetNameTaken } from '../lib/targets/targetNameTaken';

export interface TargetNames {
  userPoolName: string;
  clientName: string;
  roleName: string;
  policyName: string;
  /** Key under which provisioning records the target for later verification runs. */
  targetName: string;
  /** Who sends the pool's codes (lib/cognito/smsSender.ts). */
  smsSender: SmsSender;
  /** How the pool sends its SMS: SNS or End User Messaging SMS (lib/cognito/smsPath.ts). */
  smsPath: SmsPath;
}

const FIELDS = ['userPoolName', 'clientName', 'roleName', 'policyName', 'targetName', 'smsSender', 'smsPath'] as const;

/**
 * First state of provisioning and teardown: fills the walkthrough's defaults and checks every name
 * against the owning service's rules, and that the target name is not one `target add` recorded,
 * so bad input fails before anything is created.
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
    smsSender: requestedSmsSender(input.smsSender),
    smsPath: requestedSmsPath(input.smsPath),
  };
  // The Custom SMS Sender's key exists only on stages deployed with customSmsSender=true: refused
  // here, by name, before a pool or role is created that could never be switched.
  if (names.smsSender === 'custom-sender') requireCustomSmsSenderKeyArn();
  // The configuration set exists only on stages deployed with smsPath=eums; a pool with a Custom
  // SMS Sender sends no SMS, so it has no delivery events either.
  if (names.smsPath === 'eums') {
    if (names.smsSender === 'custom-sender')
      throw new ValidationError('smsPath', 'eums sends SMS; smsSender custom-sender sends none: choose one');
    requireEumsConfigurationSet();
  }
  // A name `target add` recorded: refused here, before a pool, client, role or policy is created
  // that recordTarget (the last state) would then refuse to record.
  const recorded = await findTarget(names.targetName);
  if (recorded?.source === 'added') throw targetNameTaken(recorded);
  return names;
}

export const handler = taskHandler(validateInput);
