import { readUserPool } from './describeUserPool';

/**
 * What a check needs to know of a pool to make users it accepts, from DescribeUserPool:
 * - `usernameAttributes`: `email` and/or `phone_number` when users sign in with those instead of a
 *   user name (Cognito then makes the user name up, a UUID);
 * - `mfaConfiguration`: OFF, ON or OPTIONAL (OPTIONAL: each user must have SMS MFA turned on);
 * - `allowedFirstAuthFactors` (Policies.SignInPolicy) and `tier` (UserPoolTier): whether the pool
 *   offers passwordless SMS sign-in (lib/verify/smsOtp.ts).
 */
export interface UserPoolFacts {
  userPoolId: string;
  usernameAttributes: string[];
  mfaConfiguration: string;
  /** Absent: the pool sets none (PASSWORD only). */
  allowedFirstAuthFactors?: string[];
  /** Absent: the pool names no feature plan. */
  tier?: string;
}

// Per container: a pool's shape changes rarely, and a check runs every few minutes. (Teardown reads
// pools uncached, lib/cognito/describeUserPool.ts: it decides from their tags what to delete.)
const cache = new Map<string, Promise<UserPoolFacts>>();

async function describe(region: string, userPoolId: string): Promise<UserPoolFacts> {
  const pool = await readUserPool(userPoolId, region);
  return {
    userPoolId,
    usernameAttributes: pool?.UsernameAttributes ?? [],
    mfaConfiguration: pool?.MfaConfiguration ?? 'OFF',
    ...(pool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors && {
      allowedFirstAuthFactors: pool.Policies.SignInPolicy.AllowedFirstAuthFactors,
    }),
    ...(pool?.UserPoolTier && { tier: pool.UserPoolTier }),
  };
}

export function userPoolFacts(region: string, userPoolId: string): Promise<UserPoolFacts> {
  const key = `${region}\n${userPoolId}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = describe(region, userPoolId);
    // A failed read is not cached: the next call tries again.
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

/** For tests: forget what this container read. */
export function forgetUserPools(): void {
  cache.clear();
}
