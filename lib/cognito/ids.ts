import type { StringRule } from '../validate';

export const USER_POOL_ID: StringRule = { pattern: /^[\w-]+_[0-9a-zA-Z]+$/, min: 1, max: 55, describe: 'a user pool id (<region>_<id>)' };
export const CLIENT_ID: StringRule = { pattern: /^[\w+]+$/, min: 1, max: 128, describe: 'an app client id (letters and digits)' };
export const USER_POOL_ARN: StringRule = {
  pattern: /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+_[0-9a-zA-Z]+$/,
  min: 20,
  max: 2048,
  describe: 'a user pool ARN',
};
