import { UnsupportedError } from 'cognito-local/lib/errors';
import { isSupportedTarget } from 'cognito-local/lib/targets/Target';
import { Targets } from 'cognito-local/lib/targets/targets';
import type { Router } from 'cognito-local/lib/server/Router';
import type { Services } from 'cognito-local/lib/services';
import type { FakePhone, OutboxContext, SentSms } from '../fakePhone';
import { explicitAuthFlowsFix, secretHashFix } from './appClient';
import { disabledUsersFix } from './disabledUsers';
import { errorMessagesFix } from './errors';
import { firstSignInWithoutMfaFix } from './firstSignIn';
import { listPaginationFix } from './listing';
import { maskDestinationsFix } from './mask';
import { mfaPreferenceFix } from './mfaPreference';
import { aliasAttributesFix } from './aliasAttributes';
import { usernameAttributesFix } from './usernameAttributes';
import { phoneFormatFix } from './phoneFormat';
import { passwordPolicyFix } from './passwordPolicy';
import { sessionsFix } from './sessions';
import { smsMfaFix, verifyOnConfirmFix } from './smsMfa';
import { refreshAfterMfaFix, tokenResultFix } from './tokens';
import type { CognitoBehaviour, FidelityEnv, FidelityFix, FidelityRoute, TargetFix } from './types';

// Innermost first: the session check runs before cognito-local, error wording and masking last.
// The app client and disabled-user checks sit outside the error wording, which would otherwise
// take their NotAuthorizedException for cognito-local's and reword it.
const TARGET_FIXES: readonly TargetFix[] = [
  smsMfaFix,
  verifyOnConfirmFix,
  mfaPreferenceFix,
  usernameAttributesFix,
  aliasAttributesFix,
  // Inside the token, session and masking fixes, so its tokens get ExpiresIn/TokenType like any.
  firstSignInWithoutMfaFix,
  refreshAfterMfaFix,
  tokenResultFix,
  passwordPolicyFix,
  sessionsFix,
  listPaginationFix,
  errorMessagesFix,
  disabledUsersFix,
  secretHashFix,
  explicitAuthFlowsFix,
  phoneFormatFix,
  maskDestinationsFix,
];

/**
 * Our replacement for cognito-local's Router: the same target table, each handler wrapped in
 * the enabled fixes. Wrapping handlers (not patching cognito-local's module objects) keeps two
 * local clouds in one process independent.
 */
export function fidelityRouter(
  services: Services,
  env: FidelityEnv,
  enabled: Partial<Record<FidelityFix | CognitoBehaviour, boolean>>,
  phone: FakePhone,
): Router {
  const fixes = TARGET_FIXES.filter((f) => enabled[f.fix]);
  return (target) => {
    // A target cognito-local lacks answers as cognito-local does unless an enabled fix implements it.
    const unsupported: FidelityRoute = () => Promise.reject(new UnsupportedError(`Unsupported x-amz-target header "${target}"`));
    let route = isSupportedTarget(target) ? (Targets[target] as unknown as (s: Services) => FidelityRoute)(services) : unsupported;
    for (const fix of fixes) {
      if (fix.targets === '*' || fix.targets.includes(target)) route = fix.wrap(route, env, target);
    }
    return async (ctx, req) => {
      const outbox: SentSms[] = [];
      try {
        return await route({ ...ctx, outbox } as OutboxContext, req ?? {});
      } finally {
        for (const sms of outbox) phone.deliver(sms);
      }
    };
  };
}
