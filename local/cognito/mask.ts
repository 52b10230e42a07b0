import { maskPhone } from '../../lib/phone';

/**
 * Cognito never returns a full destination: SignUp's CodeDeliveryDetails and the SMS_MFA
 * challenge parameters show `+********1234` (phone: '+' and the last 4 digits kept, one star
 * per hidden digit) or `u***@e***` (email). Our logs and outputs use the same masking (DESIGN §3).
 */
export const maskPhoneNumber = maskPhone;

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***@${email[at + 1] ?? ''}***`;
}

/** Masks whatever Cognito would put in a `Destination` field; idempotent. */
export function maskDestination(destination: string): string {
  if (destination.includes('*')) return destination;
  if (destination.includes('@')) return maskEmail(destination);
  return maskPhoneNumber(destination);
}
