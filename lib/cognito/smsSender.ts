import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { ValidationError } from '../errors';

/**
 * Who sends a pool's codes: Cognito, by SMS through the SMS role (the default), or the stack's
 * Custom SMS Sender, which hands them to the waiting check and sends no SMS (pools used only for
 * checks).
 */
export const SMS_SENDERS = ['cognito', 'custom-sender'] as const;
export type SmsSender = (typeof SMS_SENDERS)[number];

/** The mode a provisioning input asks for; absent means Cognito's own SMS. */
export function requestedSmsSender(value: unknown, field = 'smsSender'): SmsSender {
  if (value === undefined || value === null) return 'cognito';
  if (typeof value === 'string' && (SMS_SENDERS as readonly string[]).includes(value)) return value as SmsSender;
  throw new ValidationError(field, `must be one of ${SMS_SENDERS.join(', ')}`);
}

/** The mode a pool is in now. */
export const smsSenderOfPool = (pool: UserPoolType | undefined): SmsSender =>
  pool?.LambdaConfig?.CustomSMSSender?.LambdaArn ? 'custom-sender' : 'cognito';
