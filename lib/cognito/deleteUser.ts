import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { isAwsError } from '../errors';

/** Deletes a user; one already gone is fine. Returns whether there was one to delete. */
export async function deleteUser(region: string, userPoolId: string, username: string): Promise<boolean> {
  try {
    await cognitoIn(region).send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return false;
    throw error;
  }
}
