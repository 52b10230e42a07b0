import { NamedError } from '../errors';
import { optionalEnv } from '../env';

/**
 * The optional code routes exist only on stages whose params turn them on (serverless.yml params
 * customSmsSender, twilioWebhook; resources/codeRoutes.yml Conditions): their fixed monthly costs
 * (a KMS key, a secret) are paid only where they are used. Elsewhere the functions still exist but
 * their environment variable is empty, and whoever asks for the route is told which param to set.
 */

/** Thrown when provisioning asks for the Custom SMS Sender on a stage without its KMS key. */
export const CUSTOM_SMS_SENDER_NOT_CONFIGURED = 'CustomSmsSenderNotConfigured';
/** Answered by POST /sms/twilio on a stage without the Twilio auth-token secret. */
export const TWILIO_ROUTE_NOT_CONFIGURED = 'TwilioRouteNotConfigured';

export const CUSTOM_SMS_SENDER_HOW_TO =
  'This stage has no Custom SMS Sender (no KMS key, USD 1 a month): deploy it with --param="customSmsSender=true", then provision again.';
export const TWILIO_HOW_TO =
  'This stage has no Twilio route (no auth-token secret, USD 0.40 a month): deploy it with --param="twilioWebhook=true" ' +
  'and put the auth token in the secret it creates.';

/** The Custom SMS Sender's KMS key ARN, or undefined when the stage has none. */
export const customSmsSenderKeyArn = (): string | undefined => optionalEnv('CUSTOM_SMS_SENDER_KEY_ARN');

/** The key ARN, or a named error saying which param turns the route on. */
export function requireCustomSmsSenderKeyArn(): string {
  const arn = customSmsSenderKeyArn();
  if (!arn) throw new NamedError(CUSTOM_SMS_SENDER_NOT_CONFIGURED, CUSTOM_SMS_SENDER_HOW_TO);
  return arn;
}

/** The Twilio auth-token secret's ARN, or undefined when the stage has none. */
export const twilioAuthTokenSecretArn = (): string | undefined => optionalEnv('TWILIO_AUTH_TOKEN_SECRET_ARN');
