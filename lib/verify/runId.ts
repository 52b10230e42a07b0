import type { StringRule } from '../validate';

/** Step Functions execution names: what Cognito usernames and our keys can safely carry. */
export const RUN_ID: StringRule = { pattern: /^[A-Za-z0-9_-]+$/, min: 1, max: 80, describe: 'letters, digits, _ and - (an execution name)' };
