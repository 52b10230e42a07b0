import { CognitoError } from 'cognito-local/lib/errors';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import { tierOf } from './featurePlan';
import { LOCAL_ACCOUNT_ID } from './regionalIds';
import type { RegionalSettings, Replica, ReplicaStatus } from './replicaStore';
import type { AddedTarget, FidelityEnv, FidelityRoute, Json, TargetFix } from './types';

/*
 * Multi-Region replication (developer guide, "Multi-Region replication for user pools",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-multi-region.html; API
 * reference CreateUserPoolReplica, ListUserPoolReplicas, UpdateUserPoolReplica,
 * DeleteUserPoolReplica). A replica is the same pool (same id, the primary's Region prefix) served
 * in a second Region: the directory (users, passwords, MFA settings) is shared, the Regional
 * settings are the replica's own, and the secondary refuses what would write to the directory.
 * What is documented and what is assumed: docs/replicas.md.
 */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

/** The Region a pool id names (`eu-west-1_abc` → eu-west-1): where its primary lives. */
export function homeRegionOf(poolId: string, fallback: string): string {
  const prefix = poolId.split('_')[0] ?? '';
  return REGION.test(prefix) ? prefix : fallback;
}

/**
 * Operations a secondary refuses whatever its status: they create users, change a user or their
 * password, or change settings that are set in the primary and synced ("Secondary user pools
 * can't create users"; "Users can't reset passwords or modify their profiles in secondary user
 * pools"; TOTP is not supported there; the SECONDARY role supports "only administrator operations
 * that set configurations specific to the replica, and only end-user operations that do not create
 * or change attributes of a user"; DeleteUserPoolReplica "must be called from the primary Region").
 */
const REFUSED_IN_SECONDARY = new Set([
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'AdminCreateUser',
  'AdminConfirmSignUp',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'AdminResetUserPassword',
  'AdminSetUserPassword',
  'ChangePassword',
  'UpdateUserAttributes',
  'AdminUpdateUserAttributes',
  'DeleteUserAttributes',
  'AdminDeleteUserAttributes',
  'VerifyUserAttribute',
  'GetUserAttributeVerificationCode',
  'DeleteUser',
  'AdminDeleteUser',
  'AdminDisableUser',
  'AdminEnableUser',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
  'AdminSetUserMFAPreference',
  'SetUserSettings',
  'AdminSetUserSettings',
  'SetUserPoolMfaConfig',
  'CreateUserPoolClient',
  'UpdateUserPoolClient',
  'DeleteUserPoolClient',
  'DeleteUserPool',
  'CreateGroup',
  'UpdateGroup',
  'DeleteGroup',
  'AdminAddUserToGroup',
  'AdminRemoveUserFromGroup',
  'AddCustomAttributes',
  'CreateUserImportJob',
  'StartUserImportJob',
  'CreateUserPoolReplica',
  'DeleteUserPoolReplica',
]);

/** What an INACTIVE replica still serves: "Administrator configuration operations are supported". */
const ADMIN_CONFIGURATION = new Set([
  'DescribeUserPool',
  'UpdateUserPool',
  'ListUserPoolClients',
  'DescribeUserPoolClient',
  'GetUserPoolMfaConfig',
  'ListUserPoolReplicas',
  'UpdateUserPoolReplica',
  'ListTagsForResource',
  'TagResource',
  'UntagResource',
]);

/**
 * Settings set in the primary and synced; UpdateUserPool in a secondary must repeat them
 * unchanged ("global settings required to match existing values", UpdateUserPool). Only these
 * simple ones are compared; an omitted one is not taken as a change (an assumption).
 */
const GLOBAL_SETTINGS = ['MfaConfiguration', 'AutoVerifiedAttributes', 'DeletionProtection', 'UserPoolTier', 'SmsAuthenticationMessage'];

const notEnabled = (target: string, region: string, why: string) =>
  new CognitoError('OperationNotEnabledException', `${target} is not supported in ${region}: ${why}.`);

function replicaType(poolId: string, region: string, status: ReplicaStatus, role: 'PRIMARY' | 'SECONDARY'): Json {
  return {
    RegionName: region,
    Role: role,
    Status: status,
    UserPoolArn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${poolId}`,
  };
}

interface Where {
  region: string;
  /** The Region came from the endpoint or the signature, not the cloud's default. */
  explicit: boolean;
}

function whereOf(env: FidelityEnv): Where {
  return env.requestRegion?.() ?? { region: 'us-east-1', explicit: false };
}

async function poolIdOf(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<string | undefined> {
  if (typeof req?.UserPoolId === 'string') return req.UserPoolId;
  if (typeof req?.ClientId === 'string') return (await env.services.cognito.getAppClient(ctx, req.ClientId))?.UserPoolId;
  return undefined;
}

function store(env: FidelityEnv) {
  if (!env.replicas) throw new Error('the replicas fix needs a ReplicaStore');
  return env.replicas;
}

function need(req: Json, field: string, pattern: RegExp): string {
  const value: unknown = req?.[field];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new CognitoError('InvalidParameterException', `1 validation error detected: Value at '${field}' failed to satisfy constraint`);
  }
  return value;
}

/** The secondary replica a replica operation names; ResourceNotFoundException if there is none. */
function secondary(env: FidelityEnv, req: Json): { poolId: string; region: string; home: string; replica: Replica } {
  const poolId = need(req, 'UserPoolId', POOL_ID);
  const region = need(req, 'RegionName', REGION);
  const home = homeRegionOf(poolId, whereOf(env).region);
  if (region === home) throw new CognitoError('InvalidParameterException', `${region} is the primary Region of user pool ${poolId}.`);
  const replica = store(env).get(poolId, region);
  if (!replica) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} has no replica in ${region}.`);
  return { poolId, region, home, replica };
}

const route = (target: string, handle: (env: FidelityEnv, ctx: OutboxContext, req: Json) => Promise<Json>): AddedTarget => ({
  fix: 'replicas',
  target,
  route: (env) => (ctx, req) => handle(env, ctx, req),
});

export const replicaTargets: readonly AddedTarget[] = [
  route('CreateUserPoolReplica', async (env, ctx, req) => {
    const poolId = need(req, 'UserPoolId', POOL_ID);
    const region = need(req, 'RegionName', REGION);
    const pool = await env.services.cognito.getUserPool(ctx, poolId);
    if (region === homeRegionOf(poolId, whereOf(env).region)) {
      throw new CognitoError(
        'InvalidParameterException',
        `User pool ${poolId} already lives in ${region}; a replica needs another Region.`,
      );
    }
    // "requires your user pool to be on the Essentials or Plus feature plan".
    if (tierOf(pool) === 'LITE') {
      throw new CognitoError('FeatureUnavailableInTierException', 'Multi-Region replication requires the Essentials or Plus feature plan.');
    }
    // "Each user directory can have at most one secondary replica in another Region."
    const existing = store(env).list(poolId)[0];
    if (existing) {
      throw new CognitoError(
        'LimitExceededException',
        `User pool ${poolId} already has a replica (in ${existing.region}); a pool can have one.`,
      );
    }
    const tags = req?.UserPoolTags && typeof req.UserPoolTags === 'object' ? (req.UserPoolTags as Record<string, string>) : undefined;
    const replica = store(env).create(poolId, region, tags);
    return { UserPoolReplica: replicaType(poolId, region, replica.status, 'SECONDARY') };
  }),
  route('ListUserPoolReplicas', async (env, ctx, req) => {
    const poolId = need(req, 'UserPoolId', POOL_ID);
    await env.services.cognito.getUserPool(ctx, poolId);
    const home = homeRegionOf(poolId, whereOf(env).region);
    const all = [
      replicaType(poolId, home, 'ACTIVE', 'PRIMARY'),
      ...store(env)
        .list(poolId)
        .map((r) => replicaType(poolId, r.region, r.status, 'SECONDARY')),
    ];
    return { UserPoolReplicas: all.sort((a, b) => String(a.RegionName).localeCompare(String(b.RegionName))) };
  }),
  route('UpdateUserPoolReplica', async (env, _ctx, req) => {
    const { poolId, region, replica } = secondary(env, req);
    const status: unknown = req?.Status;
    if (status !== 'ACTIVE' && status !== 'INACTIVE') {
      throw new CognitoError(
        'InvalidParameterException',
        "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]",
      );
    }
    if (replica.status === 'CREATING' || replica.status === 'DELETING') {
      throw new CognitoError('InvalidParameterException', `The replica of ${poolId} in ${region} is ${replica.status}.`);
    }
    const updated = store(env).setStatus(replica, status);
    return { UserPoolReplica: replicaType(poolId, region, updated.status, 'SECONDARY') };
  }),
  route('DeleteUserPoolReplica', async (env, _ctx, req) => {
    const { poolId, region, replica } = secondary(env, req);
    // "You can only delete replicas that are in the INACTIVE status."
    if (replica.status !== 'INACTIVE') {
      throw new CognitoError(
        'InvalidParameterException',
        `Only an INACTIVE replica can be deleted; the one in ${region} is ${replica.status}.`,
      );
    }
    const updated = store(env).setStatus(replica, 'DELETING');
    return { UserPoolReplica: replicaType(poolId, region, updated.status, 'SECONDARY') };
  }),
];

/** UpdateUserPool in a secondary: only its Regional settings change (absent ones reset, as UpdateUserPool does). */
function updateRegional(env: FidelityEnv, pool: UserPoolService, replica: Replica, req: Json): Json {
  const primary = pool.options as unknown as Record<string, unknown>;
  for (const field of GLOBAL_SETTINGS) {
    if (req?.[field] === undefined) continue;
    const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...(v as unknown[])].sort() : v);
    if (primary[field] !== undefined && norm(req[field]) !== norm(primary[field])) {
      throw new CognitoError(
        'InvalidParameterException',
        `${field} is set in the primary Region ${homeRegionOf(pool.options.Id, replica.region)} and must match it in ${replica.region}.`,
      );
    }
  }
  const regional: RegionalSettings = {
    SmsConfiguration: req?.SmsConfiguration,
    EmailConfiguration: req?.EmailConfiguration,
    LambdaConfig: req?.LambdaConfig,
    UserPoolTags: req?.UserPoolTags ?? replica.regional.UserPoolTags,
  };
  store(env).setRegional(replica, regional);
  return {};
}

/** The primary's description with the replica's Regional settings and ARN. */
function describeRegional(out: Json, poolId: string, replica: Replica): Json {
  if (!out?.UserPool) return out;
  const pool = { ...out.UserPool, Arn: `arn:aws:cognito-idp:${replica.region}:${LOCAL_ACCOUNT_ID}:userpool/${poolId}` };
  for (const key of ['SmsConfiguration', 'EmailConfiguration', 'LambdaConfig', 'UserPoolTags'] as const) {
    if (replica.regional[key] === undefined) delete pool[key];
    else pool[key] = replica.regional[key];
  }
  delete pool.SmsConfigurationFailure;
  return { ...out, UserPool: pool };
}

/**
 * Every SMS a call produced is sent with the SMS configuration of the Region serving it. A
 * secondary with none cannot send: the call fails as with an SMS role Cognito cannot use
 * (InvalidSmsRoleAccessPolicyException, which InitiateAuth and RespondToAuthChallenge document;
 * the behaviour for a *missing* Regional configuration is an assumption, docs/replicas.md).
 */
function sendThrough(ctx: OutboxContext, from: number, region: string, sms: Json): void {
  const produced = ctx.outbox?.slice(from) ?? [];
  if (!produced.length) return;
  if (!sms?.SnsCallerArn) {
    ctx.outbox!.splice(from);
    throw new CognitoError(
      'InvalidSmsRoleAccessPolicyException',
      `Role does not have permission to publish with SNS (no SMS configuration in ${region}).`,
    );
  }
  for (const sent of produced) Object.assign(sent, { region, snsCallerArn: sms.SnsCallerArn });
}

/**
 * Serves each pool in its Region and its replica's Region only, and a secondary as Cognito does.
 * A request whose Region is not known (unsigned, default endpoint) is served by the primary.
 */
export const replicasFix: TargetFix = {
  fix: 'replicas',
  targets: '*',
  wrap: (inner: FidelityRoute, env, target) => async (ctx, req) => {
    const where = whereOf(env);
    if (target === 'ListUserPools') return listInRegion(env, await inner(ctx, req), where);
    const poolId = await poolIdOf(env, ctx, req);
    if (!poolId) return inner(ctx, req);
    const home = homeRegionOf(poolId, where.region);
    const from = ctx.outbox?.length ?? 0;
    if (!where.explicit || where.region === home) {
      const out = await inner(ctx, req);
      if (ctx.outbox && ctx.outbox.length > from) {
        const pool = await env.services.cognito.getUserPool(ctx, poolId);
        for (const sent of ctx.outbox.slice(from)) {
          Object.assign(sent, { region: home, snsCallerArn: pool.options.SmsConfiguration?.SnsCallerArn });
        }
      }
      return out;
    }
    const replica = store(env).get(poolId, where.region);
    // Cognito is regional: elsewhere the pool (and its clients) do not exist.
    if (!replica || replica.status === 'CREATING' || replica.status === 'DELETING') {
      throw new CognitoError(
        'ResourceNotFoundException',
        req?.UserPoolId ? `User pool ${poolId} does not exist in ${where.region}.` : `User pool client ${req?.ClientId} does not exist.`,
      );
    }
    if (REFUSED_IN_SECONDARY.has(target)) {
      throw notEnabled(target, where.region, `it is a secondary Region of user pool ${poolId}, whose primary is ${home}`);
    }
    if (replica.status !== 'ACTIVE' && !ADMIN_CONFIGURATION.has(target)) {
      throw notEnabled(target, where.region, `the replica of user pool ${poolId} there is ${replica.status}`);
    }
    const pool = await env.services.cognito.getUserPool(ctx, poolId);
    if (target === 'UpdateUserPool') return updateRegional(env, pool, replica, req);
    const out = await inner(ctx, req);
    if (target === 'DescribeUserPool') return describeRegional(out, poolId, replica);
    // "Secondary replicas don't support TOTP MFA."
    if (out?.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      throw notEnabled(target, where.region, 'TOTP MFA is not supported in a secondary Region');
    }
    sendThrough(ctx, from, where.region, replica.regional.SmsConfiguration);
    return out;
  },
};

/** ListUserPools answers for the Region asked: its own pools and the replicas it serves. */
function listInRegion(env: FidelityEnv, out: Json, where: Where): Json {
  if (!Array.isArray(out?.UserPools)) return out;
  const pools = (out.UserPools as Json[])
    .map((p) => {
      const regions = store(env)
        .list(String(p.Id))
        .filter((r) => r.status !== 'CREATING' && r.status !== 'DELETING')
        .map((r) => r.region);
      return regions.length ? { ...p, ReplicaRegions: regions } : p;
    })
    .filter(
      (p) => !where.explicit || homeRegionOf(String(p.Id), where.region) === where.region || p.ReplicaRegions?.includes(where.region),
    );
  return { ...out, UserPools: pools };
}
