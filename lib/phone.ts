import type { StringRule } from './validate';

/** E.164: '+', a non-zero country digit, at most 15 digits in all. */
export const PHONE_NUMBER: StringRule = { pattern: /^\+[1-9]\d{6,14}$/, min: 8, max: 16, describe: 'an E.164 number such as +15555550100' };

/** As Cognito masks destinations: keep '+' and the last 4 digits (`+*******0100`). */
export function maskPhone(phone: string): string {
  if (!phone.startsWith('+') || phone.length <= 5) return '+****';
  return `+${'*'.repeat(phone.length - 5)}${phone.slice(-4)}`;
}
