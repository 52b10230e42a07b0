import { AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';

/** Sets the user's password as permanent: the user is CONFIRMED and signs in with no password change. */
export async function setPermanentPassword(region: string, userPoolId: string, username: string, password: string): Promise<void> {
  await cognitoIn(region).send(
    new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }),
  );
}
