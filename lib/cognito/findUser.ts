import { AdminGetUserCommand, type AdminGetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';
import { isAwsError } from '../errors';

/** The user as an administrator sees it, or undefined when there is none of that name. */
export async function findUser(userPoolId: string, username: string): Promise<AdminGetUserCommandOutput | undefined> {
  try {
    return await cognito().send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return undefined;
    throw error;
  }
}
