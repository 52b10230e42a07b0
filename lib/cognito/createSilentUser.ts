import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';

/**
 * Creates a user with a verified phone number and sends nothing: MessageAction SUPPRESS skips the
 * invitation SMS (no cost, no code for anyone to wait for), and phone_number_verified makes the
 * number usable for SMS MFA at once. The user is FORCE_CHANGE_PASSWORD until its password is set
 * as permanent (setPermanentPassword). Cognito makes up the temporary password; it is never used.
 */
export async function createSilentUser(userPoolId: string, username: string, phone: string): Promise<void> {
  await cognito().send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: phone },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    }),
  );
}
