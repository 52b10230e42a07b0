import { CognitoError } from 'cognito-local/lib/errors';
import { selectAppropriateDeliveryMethod } from 'cognito-local/lib/services/messageDelivery/deliveryMethod';
import { attribute, attributesAppend, attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { User, UserPool, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import type { OutboxContext } from '../fakePhone';
import { EMAIL, PHONE, sameValue } from './attributeValues';
import type { Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * Pools with `AliasAttributes` (email, phone_number, preferred_username): users keep the username
 * they signed up with, and may also sign in with an alias. cognito-local ignores the setting.
 * Cognito's developer guide ("Working with user attributes", Customizing sign-in attributes,
 * option 1 and the note on alias uniqueness):
 * - "If email is selected as an alias, a username can't match a valid email format. Similarly, if
 *   phone number is selected as an alias, a username that matches a valid phone number pattern is
 *   not accepted": InvalidParameterException "Username cannot be of email format, since user pool
 *   is configured for email alias." (Cognito's message, quoted in Amplify issue threads; the phone
 *   message is built the same way and is not confirmed).
 * - "Phone numbers and email addresses only become active aliases for a user after [they] are
 *   verified": an unverified alias does not sign in.
 * - "The value provided can be in a verified state in only one account ... when a user tries to
 *   confirm the account with this email (or phone number) and enters the valid code, an
 *   AliasExistsException error is returned." With `ForceAliasCreation` the alias moves and "it also
 *   marks the attribute unverified in the previous account". AdminCreateUser with the attribute
 *   verified behaves alike (API reference, AdminCreateUser ForceAliasCreation).
 */

const VERIFIABLE = ['email', 'phone_number'] as const;

/**
 * The user an alias names in this pool: a verified email or phone number, or a preferred_username.
 * Used by the pool's user lookup (usernames.ts), so every target and fix finds users by alias.
 */
export function findByAlias(options: UserPool, users: readonly User[], name: string): User | null {
  const aliases = options.AliasAttributes ?? [];
  const caseInsensitive = options.UsernameConfiguration?.CaseSensitive === false;
  for (const user of users) {
    for (const alias of aliases) {
      const value = attributeValue(alias, user.Attributes);
      // "You can choose to sign in ... using either lowercase or uppercase letters in an alias when
      // you configure your user pool for username case insensitivity."
      if (!sameValue(value, name, caseInsensitive && alias !== 'phone_number')) continue;
      if (alias === 'preferred_username' || attributeValue(`${alias}_verified`, user.Attributes) === 'true') return user;
    }
  }
  return null;
}

function refuseAliasShapedUsername(options: UserPool, username: unknown): void {
  if (typeof username !== 'string') return;
  const aliases = options.AliasAttributes ?? [];
  if (aliases.includes('email') && EMAIL.test(username)) {
    throw new CognitoError(
      'InvalidParameterException',
      'Username cannot be of email format, since user pool is configured for email alias.',
    );
  }
  if (aliases.includes('phone_number') && PHONE.test(username)) {
    throw new CognitoError(
      'InvalidParameterException',
      'Username cannot be of phone number format, since user pool is configured for phone number alias.',
    );
  }
}

/** Another user holding `value` as a verified alias `name`, if any. */
async function verifiedHolder(ctx: OutboxContext, pool: UserPoolService, name: string, value: string, self?: string) {
  const users = await pool.listUsers(ctx);
  return users.find(
    (u) =>
      u.Username !== self &&
      sameValue(attributeValue(name, u.Attributes), value, name === 'email') &&
      attributeValue(`${name}_verified`, u.Attributes) === 'true',
  );
}

const aliasExists = (name: string) => new CognitoError('AliasExistsException', `An account with the given ${name} already exists.`);

/** Takes a verified alias away from its previous holder (ForceAliasCreation). */
async function unverify(ctx: OutboxContext, pool: UserPoolService, holder: User, name: string): Promise<void> {
  const current = await pool.getUserByUsername(ctx, holder.Username);
  if (current)
    await pool.saveUser(ctx, { ...current, Attributes: attributesAppend(current.Attributes, attribute(`${name}_verified`, 'false')) });
}

/** The aliases a request would verify, each with the user already holding it verified. */
async function conflicts(
  ctx: OutboxContext,
  pool: UserPoolService,
  verified: ReadonlyArray<{ name: string; value: string }>,
  self?: string,
) {
  const found: Array<{ name: string; holder: User }> = [];
  for (const { name, value } of verified) {
    if (!pool.options.AliasAttributes?.includes(name)) continue;
    const holder = await verifiedHolder(ctx, pool, name, value, self);
    if (holder) found.push({ name, holder });
  }
  return found;
}

async function guardAliases(
  ctx: OutboxContext,
  pool: UserPoolService,
  req: Json,
  verified: ReadonlyArray<{ name: string; value: string }>,
  run: () => Promise<Json>,
  self?: string,
): Promise<Json> {
  const taken = await conflicts(ctx, pool, verified, self);
  if (taken.length && !req?.ForceAliasCreation) throw aliasExists(taken[0]!.name);
  const out = await run();
  for (const { name, holder } of taken) await unverify(ctx, pool, holder, name);
  return out;
}

/** The attributes ConfirmSignUp will verify: where the code went, if the code is right. */
function confirmedAliases(pool: UserPoolService, user: User | null, code: unknown) {
  if (!user || user.UserStatus !== 'UNCONFIRMED' || user.ConfirmationCode !== code) return [];
  const sentTo = selectAppropriateDeliveryMethod(pool.options.AutoVerifiedAttributes ?? [], user);
  return sentTo ? [{ name: sentTo.AttributeName, value: sentTo.Destination }] : [];
}

function verifiedInRequest(attributes: unknown) {
  const list: Array<{ Name?: unknown; Value?: unknown }> = Array.isArray(attributes) ? attributes : [];
  return VERIFIABLE.flatMap((name) => {
    const value = list.find((a) => a?.Name === name)?.Value;
    const verified = list.find((a) => a?.Name === `${name}_verified`)?.Value;
    return typeof value === 'string' && verified === 'true' ? [{ name, value }] : [];
  });
}

/**
 * AdminInitiateAuth, ChallengeParameters: "Amazon Cognito returns the username attribute in
 * USER_ID_FOR_SRP instead of any email address, preferred username, or phone number alias ... You
 * must use the username and not an alias in the ChallengeResponses of your challenge response."
 * cognito-local (and the sessions fix) resolve the alias and accept it. Which error Cognito gives is
 * not documented; the session check's NotAuthorizedException stands in for it. A name differing
 * only in case from the username is not an alias (case-insensitive pools accept it).
 */
export async function refuseAliasInChallengeResponse(ctx: OutboxContext, pool: UserPoolService, req: Json): Promise<void> {
  const claimed = req?.ChallengeResponses?.USERNAME;
  if (typeof claimed !== 'string') return;
  const user = await pool.getUserByUsername(ctx, claimed);
  if (user && user.Username.toLowerCase() !== claimed.toLowerCase()) {
    throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
  }
}

export const aliasAttributesFix: TargetFix = {
  fix: 'aliasAttributes',
  targets: ['SignUp', 'AdminCreateUser', 'ConfirmSignUp', 'RespondToAuthChallenge'],
  wrap: (inner, env, target) => async (ctx, req) => {
    const pool = await poolOf(env, ctx, req);
    if (!pool.options.AliasAttributes?.length) return inner(ctx, req);
    if (target === 'RespondToAuthChallenge') {
      await refuseAliasInChallengeResponse(ctx, pool, req);
      return inner(ctx, req);
    }
    if (target === 'ConfirmSignUp') {
      const user = typeof req?.Username === 'string' ? await pool.getUserByUsername(ctx, req.Username) : null;
      return guardAliases(ctx, pool, req, confirmedAliases(pool, user, req?.ConfirmationCode), () => inner(ctx, req), user?.Username);
    }
    refuseAliasShapedUsername(pool.options, req?.Username);
    if (target === 'AdminCreateUser') return guardAliases(ctx, pool, req, verifiedInRequest(req?.UserAttributes), () => inner(ctx, req));
    return inner(ctx, req);
  },
};
