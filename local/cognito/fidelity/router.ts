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
import { srpFix } from './srp';
import { userAuthFix } from './userAuth';
import { featurePlanFix } from './featurePlan';
import { getTokensFromRefreshToken, refreshTokenRotationFix } from './refreshTokens';
import { revokedTokensFix } from './revokeToken';
import { deviceTrackingFix } from './deviceTracking';
import { replicasFix, replicaTargets } from './replicas';
import type { AddedTarget, CognitoBehaviour, FidelityEnv, FidelityFix, FidelityRoute, TargetFix } from './types';

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
  // Below the token, session, secret-hash and masking fixes, above the MFA ones they sign in through.
  srpFix,
  userAuthFix,
  featurePlanFix,
  refreshAfterMfaFix,
  tokenResultFix,
  // Above the flows that issue tokens (SRP, USER_AUTH, the first sign-in), so it sees each result.
  deviceTrackingFix,
  passwordPolicyFix,
  sessionsFix,
  listPaginationFix,
  errorMessagesFix,
  disabledUsersFix,
  // Outside errorMessages, which would reword their NotAuthorizedException as "Invalid Refresh Token".
  refreshTokenRotationFix,
  revokedTokensFix,
  secretHashFix,
  explicitAuthFlowsFix,
  phoneFormatFix,
  maskDestinationsFix,
  // Outermost: decides which Region serves the call (primary, replica, or none) before any other fix.
  replicasFix,
];

// Operations cognito-local lacks; each is refused as unsupported while its fix is off.
const ADDED_TARGETS: readonly AddedTarget[] = [getTokensFromRefreshToken, ...replicaTargets];

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
  const added = new Map(ADDED_TARGETS.filter((a) => enabled[a.fix]).map((a) => [a.target, a]));
  const fidelityEnv: FidelityEnv = { ...env, routeBelow: (target, below) => build(target, below) };
  // The target's route wrapped in the enabled fixes, or only in those listed before `below`.
  function build(target: string, below?: FidelityFix | CognitoBehaviour): FidelityRoute {
    // A target cognito-local lacks answers as cognito-local does unless an enabled fix implements it
    // (an added target, or a fix wrapping the unsupported route).
    const unsupported: FidelityRoute = () => Promise.reject(new UnsupportedError(`Unsupported x-amz-target header "${target}"`));
    let route =
      added.get(target)?.route(fidelityEnv) ??
      (isSupportedTarget(target) ? (Targets[target] as unknown as (s: Services) => FidelityRoute)(services) : unsupported);
    for (const fix of fixes) {
      if (fix.fix === below) break;
      if (fix.targets === '*' || fix.targets.includes(target)) route = fix.wrap(route, fidelityEnv, target);
    }
    return route;
  }
  return (target) => {
    const route = build(target);
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
