import { DescribeUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { cognito, cognitoIn } from '../clients';
import { isAwsError } from '../errors';

/**
 * A pool's settings and tags, read now (uncached). `region` is the pool's Region, for pools outside
 * the stack's (checks serve pools in any Region); without it, the stack's Region. AWS errors pass
 * through as they are. Cached, check-side facts: lib/cognito/userPoolFacts.ts.
 */
export async function readUserPool(userPoolId: string, region?: string): Promise<UserPoolType | undefined> {
  const client = region === undefined ? cognito() : cognitoIn(region);
  const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  return UserPool;
}

/**
 * A pool in the stack's Region, or undefined when it does not exist (deleted, or never was).
 * Uncached on purpose: teardown decides from the tags it reads here whether a pool is ours to delete.
 */
export async function describeUserPool(userPoolId: string): Promise<UserPoolType | undefined> {
  try {
    return await readUserPool(userPoolId);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
