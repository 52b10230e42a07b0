import { DescribeUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '../clients';
import { isAwsError } from '../errors';

/** A pool's settings and tags, or undefined when the pool does not exist (deleted, or never was). */
export async function describeUserPool(userPoolId: string): Promise<UserPoolType | undefined> {
  try {
    const { UserPool } = await cognito().send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    return UserPool;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
