import { randomBytes, randomUUID } from 'node:crypto';
import { CognitoError } from 'cognito-local/lib/errors';
import { selectAppropriateDeliveryMethod } from 'cognito-local/lib/services/messageDelivery/deliveryMethod';
import type { DeliveryDetails } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import { attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import { userToResponseObject } from 'cognito-local/lib/targets/responses';
import type { OutboxContext } from '../fakePhone';
import { refuseAliasInChallengeResponse } from './aliasAttributes';
import { EMAIL, PHONE, sameValue } from './attributeValues';
import type { FidelityEnv, Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * Pools whose users sign up with an email address or a phone number as username
 * (`UsernameAttributes`), as Cognito's developer guide describes them ("Working with user
 * attributes", Customizing sign-in attributes, option 2):
 * - "If the username string format is not in email or phone number format, the SignUp API returns
 *   an exception": InvalidParameterException "Username should be an email." / "Username should be a
 *   phone number." / "Username should be either an email or a phone number." (Cognito's messages,
 *   as SDK issue threads and moto quote them).
 * - The email or phone_number attribute is filled in from the username.
 * - "The SignUp API generates a persistent UUID for your user, and uses it as the immutable
 *   username attribute internally. This UUID has the same value as the sub claim."
 * - "The email or phone number must be unique ... It does not have to be verified": a second
 *   account with it is UsernameExistsException "An account with the given email already exists."
 * - "You can use an email address or phone number as an alias in place of the username in all
 *   APIs except the ListUsers API" (cognito-local's user lookup already matches them), but a
 *   challenge response names the username itself (see refuseAliasInChallengeResponse).
 *
 * cognito-local handles email usernames only partly (any string with an `@`, its generic
 * "User already exists") and phone usernames not at all: the phone number became the username.
 * SignUp and AdminCreateUser for such pools are therefore done here, not by cognito-local.
 */

type UsernameAttribute = 'email' | 'phone_number';

function usernameAttributesOf(pool: UserPoolService): UsernameAttribute[] {
  return (pool.options.UsernameAttributes ?? []).filter((a): a is UsernameAttribute => a === 'email' || a === 'phone_number');
}

/** Which attribute the username is, or Cognito's InvalidParameterException. */
export function usernameKind(allowed: readonly UsernameAttribute[], username: unknown): UsernameAttribute {
  const name = typeof username === 'string' ? username : '';
  if (allowed.includes('email') && EMAIL.test(name)) return 'email';
  if (allowed.includes('phone_number') && PHONE.test(name)) return 'phone_number';
  const expected = allowed.length > 1 ? 'either an email or a phone number' : allowed[0] === 'email' ? 'an email' : 'a phone number';
  throw new CognitoError('InvalidParameterException', `Username should be ${expected}.`);
}

/** UsernameExistsException when another user already has one of the pool's username attributes. */
async function assertUnique(ctx: OutboxContext, pool: UserPoolService, attributes: User['Attributes']): Promise<void> {
  const users = await pool.listUsers(ctx);
  for (const name of usernameAttributesOf(pool)) {
    const value = attributeValue(name, attributes);
    if (value !== undefined && users.some((u) => sameValue(attributeValue(name, u.Attributes), value, name === 'email'))) {
      throw new CognitoError('UsernameExistsException', `An account with the given ${name} already exists.`);
    }
  }
}

/** The new user's attributes: its sub, what was given, and the username's attribute set from it. */
function newAttributes(given: Json, sub: string, kind: UsernameAttribute, username: string): NonNullable<User['Attributes']> {
  const list: Array<{ Name: string; Value: string }> = Array.isArray(given) ? given : [];
  const kept = list.filter((a) => a?.Name !== 'sub' && a?.Name !== kind);
  return [{ Name: 'sub', Value: sub }, ...kept, { Name: kind, Value: username }].sort((a, b) => a.Name.localeCompare(b.Name));
}

async function signUp(env: FidelityEnv, ctx: OutboxContext, pool: UserPoolService, req: Json): Promise<Json> {
  const kind = usernameKind(usernameAttributesOf(pool), req.Username);
  const sub = randomUUID();
  const now = new Date();
  const user: User = {
    Username: sub,
    Attributes: newAttributes(req.UserAttributes, sub, kind, req.Username),
    Enabled: true,
    Password: req.Password,
    RefreshTokens: [],
    UserCreateDate: now,
    UserLastModifiedDate: now,
    UserStatus: 'UNCONFIRMED',
  };
  await assertUnique(ctx, pool, user.Attributes);
  // What cognito-local's SignUp does next: the verification code to the auto-verified attribute.
  const autoVerified = pool.options.AutoVerifiedAttributes;
  const details = selectAppropriateDeliveryMethod(autoVerified ?? [], user);
  if (!details && autoVerified?.length) {
    throw new CognitoError('InvalidParameterException', 'User has no attribute matching desired auto verified attributes');
  }
  const code = env.services.otp();
  if (details) await env.services.messages.deliver(ctx, 'SignUp', req.ClientId, pool.options.Id, user, code, req.ClientMetadata, details);
  await pool.saveUser(ctx, { ...user, ConfirmationCode: code });
  return { CodeDeliveryDetails: details ?? undefined, UserConfirmed: false, UserSub: sub };
}

function welcomeDelivery(mediums: unknown, user: User): DeliveryDetails | null {
  const wanted: unknown[] = Array.isArray(mediums) ? mediums : ['SMS'];
  const phone = attributeValue('phone_number', user.Attributes);
  if (wanted.includes('SMS') && phone) return { AttributeName: 'phone_number', DeliveryMedium: 'SMS', Destination: phone };
  const email = attributeValue('email', user.Attributes);
  if (wanted.includes('EMAIL') && email) return { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email };
  return null;
}

async function adminCreateUser(env: FidelityEnv, ctx: OutboxContext, pool: UserPoolService, req: Json): Promise<Json> {
  const kind = usernameKind(usernameAttributesOf(pool), req.Username);
  const sub = randomUUID();
  const now = new Date();
  const temporaryPassword: string = req.TemporaryPassword ?? randomBytes(9).toString('base64url');
  const user: User = {
    Username: sub,
    Attributes: newAttributes(req.UserAttributes, sub, kind, req.Username),
    Enabled: true,
    Password: temporaryPassword,
    RefreshTokens: [],
    UserCreateDate: now,
    UserLastModifiedDate: now,
    UserStatus: 'FORCE_CHANGE_PASSWORD',
  };
  await assertUnique(ctx, pool, user.Attributes);
  const details = req.MessageAction === 'SUPPRESS' ? null : welcomeDelivery(req.DesiredDeliveryMediums, user);
  if (req.MessageAction !== 'SUPPRESS' && !details) {
    throw new CognitoError('InvalidParameterException', 'User has no attribute matching desired delivery mediums');
  }
  await pool.saveUser(ctx, user);
  if (details) {
    await env.services.messages.deliver(
      ctx,
      'AdminCreateUser',
      null,
      pool.options.Id,
      user,
      temporaryPassword,
      req.ClientMetadata,
      details,
    );
  }
  return { User: userToResponseObject(user) };
}

export const usernameAttributesFix: TargetFix = {
  fix: 'usernameAttributes',
  targets: ['SignUp', 'AdminCreateUser', 'RespondToAuthChallenge'],
  wrap: (inner, env, target) => async (ctx, req) => {
    const pool = await poolOf(env, ctx, req);
    // RESEND re-sends an existing user's invitation: nothing is created, cognito-local answers.
    if (usernameAttributesOf(pool).length === 0 || req?.MessageAction === 'RESEND') return inner(ctx, req);
    // The challenge answer names the UUID username (USER_ID_FOR_SRP), not the email or phone.
    if (target === 'RespondToAuthChallenge') {
      await refuseAliasInChallengeResponse(ctx, pool, req);
      return inner(ctx, req);
    }
    return target === 'SignUp' ? signUp(env, ctx, pool, req) : adminCreateUser(env, ctx, pool, req);
  },
};
