import { ValidationError } from '../errors';

/**
 * A user pool's Region is the prefix of its id (`eu-west-1_AbC123`), as Cognito names pools and as
 * aws-jwt-verify reads the issuer. Any other shape is refused, naming the id.
 */
export function regionOfUserPool(userPoolId: string, field = 'userPoolId'): string {
  const match = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9a-zA-Z]+$/.exec(userPoolId);
  if (!match)
    throw new ValidationError(field, `${JSON.stringify(userPoolId)} is not a user pool id (<region>_<id>, e.g. us-east-1_AbC123)`);
  return match[1]!;
}
