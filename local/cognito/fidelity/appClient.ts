import { createHmac, timingSafeEqual } from 'node:crypto';
import { CognitoError } from 'cognito-local/lib/errors';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { OutboxContext } from '../fakePhone';
import type { FidelityEnv, Json, TargetFix } from './types';
import { poolOf } from './types';

// The ExplicitAuthFlows entry each AuthFlow needs.
const REQUIRED_FLOW: Readonly<Record<string, string>> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  ADMIN_USER_PASSWORD_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  USER_AUTH: 'ALLOW_USER_AUTH',
};
// What Cognito grants a client created without ExplicitAuthFlows (CreateUserPoolClient docs).
const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
// The names from before the ALLOW_ ones; such clients always had the default flows besides.
const LEGACY_FLOWS: Readonly<Record<string, string>> = {
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
};

export function allowedAuthFlows(client: Pick<AppClient, 'ExplicitAuthFlows'>): Set<string> {
  const listed = client.ExplicitAuthFlows ?? [];
  if (listed.length === 0) return new Set(DEFAULT_FLOWS);
  if (listed.some((f) => f.startsWith('ALLOW_'))) return new Set(listed);
  return new Set([...DEFAULT_FLOWS, ...listed.flatMap((f) => LEGACY_FLOWS[f] ?? [])]);
}

async function appClientOf(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<AppClient | null> {
  // An unknown or missing ClientId is left to cognito-local, which reports it as Cognito does.
  return typeof req?.ClientId === 'string' ? env.services.cognito.getAppClient(ctx, req.ClientId) : null;
}

/**
 * cognito-local signs in through any flow it implements, whatever the app client allows. On
 * Cognito a client without ALLOW_USER_PASSWORD_AUTH refuses USER_PASSWORD_AUTH; code that works
 * locally against a permissive client would fail in AWS on the first sign-in.
 */
export const explicitAuthFlowsFix: TargetFix = {
  fix: 'explicitAuthFlows',
  targets: ['InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env) => async (ctx, req) => {
    const client = await appClientOf(env, ctx, req);
    const needed = REQUIRED_FLOW[String(req?.AuthFlow)];
    if (client && needed && !allowedAuthFlows(client).has(needed)) {
      throw new CognitoError('InvalidParameterException', `${req.AuthFlow} flow not enabled for this client`);
    }
    return inner(ctx, req);
  },
};

/** Where each target carries the secret hash, and the username it is computed over. */
const SECRET_HASH_IN: Readonly<Record<string, (req: Json) => { hash: unknown; username: unknown }>> = {
  InitiateAuth: (req) => ({ hash: req?.AuthParameters?.SECRET_HASH, username: req?.AuthParameters?.USERNAME }),
  AdminInitiateAuth: (req) => ({ hash: req?.AuthParameters?.SECRET_HASH, username: req?.AuthParameters?.USERNAME }),
  RespondToAuthChallenge: (req) => ({ hash: req?.ChallengeResponses?.SECRET_HASH, username: req?.ChallengeResponses?.USERNAME }),
  SignUp: (req) => ({ hash: req?.SecretHash, username: req?.Username }),
  ConfirmSignUp: (req) => ({ hash: req?.SecretHash, username: req?.Username }),
  ForgotPassword: (req) => ({ hash: req?.SecretHash, username: req?.Username }),
  ConfirmForgotPassword: (req) => ({ hash: req?.SecretHash, username: req?.Username }),
};

/** Targets that take the client secret itself (`ClientSecret`) rather than a hash of it. */
const CLIENT_SECRET_IN: ReadonlySet<string> = new Set(['GetTokensFromRefreshToken', 'RevokeToken']);

/** Base64(HMAC-SHA256(client secret, username + client id)), as Cognito's docs define it. */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

function hashMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const REFRESH_FLOWS: ReadonlySet<string> = new Set(['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']);

/**
 * The names a refresh's SECRET_HASH may be computed over: the refresh token's user's username or
 * its sub. The request carries no USERNAME, and Cognito's docs name "the user name" while users
 * report that a pool with email or phone usernames wants the sub (the username Cognito assigned);
 * either is accepted, any other name refused. An unknown token yields no names: cognito-local
 * then refuses the token itself.
 */
async function refreshHashNames(env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<string[] | null> {
  const token = req?.AuthParameters?.REFRESH_TOKEN;
  if (typeof token !== 'string' || token === '') return null;
  const user = await (await poolOf(env, ctx, req)).getUserByRefreshToken(ctx, token);
  if (!user) return null;
  const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value;
  return [user.Username, ...(sub ? [sub] : [])];
}

/**
 * cognito-local never asks for a SECRET_HASH. Cognito refuses every call from a client that has
 * a secret unless it carries the right one, so a backend that forgot to compute it (or computes
 * it wrongly) would pass locally.
 */
export const secretHashFix: TargetFix = {
  fix: 'secretHash',
  targets: [...Object.keys(SECRET_HASH_IN), ...CLIENT_SECRET_IN],
  wrap: (inner, env, target) => async (ctx, req) => {
    const client = await appClientOf(env, ctx, req);
    const refused = () => new CognitoError('NotAuthorizedException', `Unable to verify secret hash for client ${client?.ClientId}`);
    if (client?.ClientSecret && CLIENT_SECRET_IN.has(target)) {
      // GetTokensFromRefreshToken and RevokeToken: "The client secret of the requested app client, if the client has a secret."
      const given = req?.ClientSecret;
      if (typeof given !== 'string' || !hashMatches(given, client.ClientSecret)) throw refused();
    } else if (client?.ClientSecret) {
      const { hash, username } = SECRET_HASH_IN[target]!(req);
      if (typeof hash !== 'string' || hash === '') throw refused();
      if (REFRESH_FLOWS.has(String(req?.AuthFlow))) {
        const names = await refreshHashNames(env, ctx, req);
        if (names && !names.some((name) => hashMatches(hash, secretHash(client.ClientSecret!, name, client.ClientId)))) throw refused();
      } else if (typeof username !== 'string' || !hashMatches(hash, secretHash(client.ClientSecret, username, client.ClientId))) {
        throw refused();
      }
    }
    return inner(ctx, req);
  },
};
