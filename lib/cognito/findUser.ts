import { AdminGetUserCommand, type AdminGetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIn } from '../clients';
import { isAwsError } from '../errors';

/** The user as an administrator sees it, or undefined when there is none of that name. */
export async function findUser(region: string, userPoolId: string, username: string): Promise<AdminGetUserCommandOutput | undefined> {
  try {
    return await cognitoIn(region).send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isAwsError(error, 'UserNotFoundException')) return undefined;
    throw error;
  }
}
