import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';

/**
 * Creates a user with a verified phone number and sends nothing: MessageAction SUPPRESS skips the
 * invitation SMS (no cost, no code for anyone to wait for), and phone_number_verified makes the
 * number usable for SMS MFA at once. `email`: for a pool whose users sign in with their email
 * address, given verified too (no message is sent for it either). The user is FORCE_CHANGE_PASSWORD
 * until its password is set as permanent (setPermanentPassword). Cognito makes up the temporary
 * password; it is never used.
 */
export async function createSilentUser(region: string, userPoolId: string, username: string, phone: string, email?: string): Promise<void> {
  await cognitoIn(region).send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: phone },
        { Name: 'phone_number_verified', Value: 'true' },
        ...(email === undefined
          ? []
          : [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ]),
      ],
    }),
  );
}
