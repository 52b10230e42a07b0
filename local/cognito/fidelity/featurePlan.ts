import { CognitoError } from 'cognito-local/lib/errors';
import type { UserPool, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { Json, TargetFix } from './types';

type Tier = 'LITE' | 'ESSENTIALS' | 'PLUS';
// Cognito's default feature plan for a pool created without UserPoolTier.
const DEFAULT_TIER: Tier = 'ESSENTIALS';

export function tierOf(pool: UserPoolService): Tier {
  return (pool.options as UserPool & { UserPoolTier?: Tier }).UserPoolTier ?? DEFAULT_TIER;
}

/**
 * cognito-local drops `UserPoolTier` (the feature plan) on CreateUserPool, and so accepts a
 * sign-in policy that Cognito refuses on the Lite plan: SignInPolicyType says "To activate this
 * setting, your user pool must be in the Essentials tier or higher", and Cognito answers
 * FeatureUnavailableInTierException for a feature its plan lacks. We keep the plan, report it in
 * DescribeUserPool, and refuse first factors other than PASSWORD on a Lite pool; the choice-based
 * sign-in (userAuth.ts) never offers passwordless factors there.
 */
function refuseOnLite(tier: Tier, policies: Json): void {
  const factors: unknown[] = policies?.SignInPolicy?.AllowedFirstAuthFactors ?? [];
  if (tier === 'LITE' && factors.some((f) => f !== 'PASSWORD')) {
    throw new CognitoError(
      'FeatureUnavailableInTierException',
      'Passwordless sign-in (SignInPolicy) requires the Essentials feature plan or higher.',
    );
  }
}

export const featurePlanFix: TargetFix = {
  fix: 'featurePlan',
  targets: ['CreateUserPool', 'UpdateUserPool', 'DescribeUserPool'],
  wrap: (inner, env, target) => async (ctx, req) => {
    if (target === 'DescribeUserPool') {
      const out = await inner(ctx, req);
      const pool = await env.services.cognito.getUserPool(ctx, req.UserPoolId);
      if (out?.UserPool) out.UserPool.UserPoolTier = tierOf(pool);
      return out;
    }
    const before = target === 'UpdateUserPool' ? tierOf(await env.services.cognito.getUserPool(ctx, req.UserPoolId)) : DEFAULT_TIER;
    const tier: Tier = req?.UserPoolTier ?? before;
    refuseOnLite(tier, req?.Policies);
    const out = await inner(ctx, req);
    const id = target === 'CreateUserPool' ? out?.UserPool?.Id : req.UserPoolId;
    const pool = await env.services.cognito.getUserPool(ctx, id);
    await pool.updateOptions(ctx, { ...pool.options, UserPoolTier: tier } as UserPool);
    if (out?.UserPool) out.UserPool.UserPoolTier = tier;
    return out;
  },
};
