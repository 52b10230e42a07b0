import { CognitoError } from 'cognito-local/lib/errors';
import type { TargetFix } from './types';
import { poolOf } from './types';

interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}

// Cognito's defaults, used where the pool states nothing.
const DEFAULT_POLICY: Required<PasswordPolicy> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};
// The characters Cognito counts as symbols.
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-');

// Cognito also counts a space as a symbol, but not a leading or trailing one.
function hasSymbol(password: string): boolean {
  const inner = password.replace(/^ +| +$/g, '');
  return [...password].some((c) => SYMBOLS.has(c)) || inner.includes(' ');
}

/** Cognito's own wording, so that code matching on messages behaves the same locally. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy = {}): string | null {
  const p = { ...DEFAULT_POLICY, ...policy };
  const chars = [...password];
  if (chars.length < p.MinimumLength) return 'Password not long enough';
  if (p.RequireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (p.RequireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (p.RequireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (p.RequireSymbols && !hasSymbol(password)) return 'Password must have symbol characters';
  return null;
}

// The Password member's pattern in Cognito's API model.
const PASSWORD_PATTERN = /^[\S]+.*[\S]+$/;

/** cognito-local stores any password; Cognito refuses those that break the pool's policy. */
export const passwordPolicyFix: TargetFix = {
  fix: 'passwordPolicy',
  targets: ['SignUp', 'AdminSetUserPassword'],
  wrap: (inner, env) => async (ctx, req) => {
    if (typeof req?.Password === 'string') {
      // Checked by the API before any policy: no leading or trailing whitespace.
      if (!PASSWORD_PATTERN.test(req.Password)) {
        throw new CognitoError(
          'InvalidParameterException',
          "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
        );
      }
      const pool = await poolOf(env, ctx, req);
      const violation = passwordPolicyViolation(req.Password, pool.options.Policies?.PasswordPolicy);
      if (violation) {
        throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${violation}`);
      }
    }
    return inner(ctx, req);
  },
};
