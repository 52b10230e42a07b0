import type { StringRule } from '../validate';

export const POLICY_ARN: StringRule = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\x21-\x7e]+$/,
  min: 20,
  max: 2048,
  describe: 'an IAM policy ARN (arn:aws:iam::<account>:policy/<path><name>)',
};

export const ROLE_ARN: StringRule = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\x21-\x7e]+$/,
  min: 20,
  max: 2048,
  describe: 'an IAM role ARN (arn:aws:iam::<account>:role/<path><name>)',
};
