import type { StringRule } from './validate';

/** Naming rules as IAM, Cognito and SSM document them, so bad input fails before any call. */
export const IAM_ROLE_NAME: StringRule = { pattern: /^[\w+=,.@-]+$/, min: 1, max: 64, describe: 'letters, digits and _+=,.@-' };
export const IAM_POLICY_NAME: StringRule = { pattern: /^[\w+=,.@-]+$/, min: 1, max: 128, describe: 'letters, digits and _+=,.@-' };
export const USER_POOL_NAME: StringRule = { pattern: /^[\w\s+=,.@-]+$/, min: 1, max: 128, describe: 'letters, digits, spaces and _+=,.@-' };
export const CLIENT_NAME: StringRule = { pattern: /^[\w\s+=,.@-]+$/, min: 1, max: 128, describe: 'letters, digits, spaces and _+=,.@-' };
export const TARGET_NAME: StringRule = {
  pattern: /^[A-Za-z0-9_.-]+$/,
  min: 1,
  max: 128,
  describe: 'letters, digits and _.- (it becomes an SSM parameter name)',
};

/** The manual walkthrough's names, kept as defaults so the automated run matches it. */
export const DEFAULT_NAMES = {
  userPoolName: 'MyUserPool',
  clientName: 'MyUserPoolClient',
  roleName: 'MyUserPool-SMS-Role',
  policyName: 'Cognito-SNS-Policy',
} as const;

/** IAM paths: `/` or `/segment/.../`, which scopes what the provisioner may touch. */
export const IAM_PATH = /^\/([\x21-\x7e]+\/)?$/;
