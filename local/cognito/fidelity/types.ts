import type { Route } from 'cognito-local/lib/server/Router';
import type { Services } from 'cognito-local/lib/services';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import type { ReplicaStore } from './replicaStore';

/** Every correction we make to cognito-local; each can be switched off to show what it fixes. */
export const FIDELITY_FIXES = [
  'smsMfa',
  'verifyOnConfirm',
  'maskDestinations',
  'caseInsensitiveUsernames',
  'passwordPolicy',
  'sessions',
  'tokenResult',
  'refreshAfterMfa',
  'listPagination',
  'errorMessages',
  'disabledUsers',
  'secretHash',
  'explicitAuthFlows',
  'phoneFormat',
  'regionalIds',
  'discovery',
  'srp',
  'userAuth',
  'featurePlan',
  'getTokensFromRefreshToken',
  'revokeToken',
  'mfaPreference',
  'usernameAttributes',
  'aliasAttributes',
  'requestRegion',
  'deviceTracking',
  'replicas',
] as const;
export type FidelityFix = (typeof FIDELITY_FIXES)[number];

/**
 * Things real Cognito does that take a run down another path: off unless asked for (the local
 * cloud then behaves like the seed's transcript), each switched on to test that path.
 */
export const COGNITO_BEHAVIOURS = ['firstSignInWithoutMfa'] as const;
export type CognitoBehaviour = (typeof COGNITO_BEHAVIOURS)[number];

/** `true`/absent: all fixes; `false`: plain cognito-local; a record: switch single fixes off. */
export type FidelityOptions = boolean | Partial<Record<FidelityFix, boolean>>;

export function enabledFixes(opts: FidelityOptions | undefined): Record<FidelityFix, boolean> {
  const all = opts !== false;
  const overrides = typeof opts === 'object' ? opts : {};
  return Object.fromEntries(FIDELITY_FIXES.map((f) => [f, overrides[f] ?? all])) as Record<FidelityFix, boolean>;
}

/**
 * The auth sessions the `sessions` fix hands out instead of cognito-local's (sessions.ts keeps
 * them). Declared here, not imported from there, so that this file stays the leaf every fix
 * imports and no fix imports back into it.
 */
export interface AuthSessionStore {
  issue(clientId: string, username: string, validityMinutes?: number): string;
  /** Throws NotAuthorizedException unless the session is live, unused and belongs to this client. */
  check(token: unknown, clientId: string): { username: string };
  markUsed(token: string): void;
}

/** Users confirmed by a code who have not signed in since (firstSignIn.ts keeps them). */
export interface FirstSignInStore {
  mark(poolId: string, sub: string): void;
  /** True once per marked user: their first sign-in. */
  take(poolId: string, sub: string): boolean;
  has(poolId: string, sub: string): boolean;
}

export interface FidelityEnv {
  services: Services;
  sessions: AuthSessionStore;
  /** Set when `firstSignInWithoutMfa` is on: users whose first sign-in is still to come. */
  firstSignIns?: FirstSignInStore;
  /**
   * A target's route as the fixes listed before `fix` see it (the router sets this): how a fix
   * that has checked a password by other means (SRP) reuses the sign-in that follows a password.
   */
  routeBelow?: (target: string, fix: FidelityFix | CognitoBehaviour) => FidelityRoute;
  /** The Region the request is for, and whether the caller named it (endpoint or signature); requestRegion.ts. */
  requestRegion?: () => { region: string; explicit: boolean };
  /** Secondary replicas of pools (replicas.ts). */
  replicas?: ReplicaStore;
}

// Requests arrive as parsed JSON; cognito-local types them per target, we only read a few fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed request JSON, read a field at a time
export type Json = any;
export type FidelityRoute = (ctx: OutboxContext, req: Json) => Promise<Json>;

/** A wrapper around cognito-local's handler for some targets (API operations). */
export interface TargetFix {
  fix: FidelityFix | CognitoBehaviour;
  targets: readonly string[] | '*';
  wrap(inner: FidelityRoute, env: FidelityEnv, target: string): FidelityRoute;
}

/** An API operation cognito-local lacks, served by a fix (and refused, as before, when it is off). */
export interface AddedTarget {
  fix: FidelityFix;
  target: string;
  route(env: FidelityEnv): FidelityRoute;
}

export type { Route };

/** The pool a request is about: admin calls name it, client calls name the app client. */
export function poolOf(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<UserPoolService> {
  return req?.UserPoolId
    ? env.services.cognito.getUserPool(ctx, req.UserPoolId)
    : env.services.cognito.getUserPoolForClientId(ctx, req?.ClientId);
}
