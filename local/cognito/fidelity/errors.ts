import { CognitoError } from 'cognito-local/lib/errors';
import type { OutboxContext } from '../fakePhone';
import type { FidelityEnv, Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * cognito-local refuses ConfirmSignUp for an unknown user with a bare NotAuthorizedException, and
 * for a confirmed one with ExpiredCodeException (it has no code left to compare). Cognito says
 * which: UserNotFoundException, or NotAuthorizedException naming the status. Clients that hide
 * whether users exist (PreventUserExistenceErrors) keep cognito-local's answer.
 */
async function confirmSignUpError(e: CognitoError, env: FidelityEnv, ctx: OutboxContext, req: Json): Promise<CognitoError> {
  if (e.code !== 'NotAuthorizedException' && e.code !== 'ExpiredCodeException') return e;
  const user = await (await poolOf(env, ctx, req)).getUserByUsername(ctx, String(req?.Username ?? ''));
  if (e.code === 'ExpiredCodeException') {
    return user && user.UserStatus !== 'UNCONFIRMED'
      ? new CognitoError('NotAuthorizedException', `User cannot be confirmed. Current status is ${user.UserStatus}`)
      : e;
  }
  if (user) return e;
  const client = await env.services.cognito.getAppClient(ctx, req?.ClientId);
  return client?.PreventUserExistenceErrors === 'ENABLED'
    ? e
    : new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
}

/**
 * cognito-local uses the right exception names in most places but not the right words, and
 * a wrong password on sign-in becomes InvalidPasswordException (Cognito: NotAuthorizedException
 * "Incorrect username or password."). Callers branch on these (ASL Catch on the name, people
 * reading the message), so we use Cognito's.
 */
export const errorMessagesFix: TargetFix = {
  fix: 'errorMessages',
  targets: ['ConfirmSignUp', 'RespondToAuthChallenge', 'InitiateAuth', 'AdminInitiateAuth'],
  wrap: (inner, env, target) => async (ctx, req) => {
    try {
      return await inner(ctx, req);
    } catch (e) {
      if (!(e instanceof CognitoError)) throw e;
      if (e.code === 'CodeMismatchException') {
        throw new CognitoError(
          'CodeMismatchException',
          target === 'ConfirmSignUp' ? 'Invalid verification code provided, please try again.' : 'Invalid code or auth state for the user.',
        );
      }
      if (target === 'ConfirmSignUp') throw await confirmSignUpError(e, env, ctx, req);
      const flow = req?.AuthFlow;
      if (target.endsWith('InitiateAuth') && (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN')) {
        if (e.code === 'NotAuthorizedException') throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
      } else if (target.endsWith('InitiateAuth')) {
        if (e.code === 'InvalidPasswordException') {
          throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
        }
        // cognito-local also says NotAuthorized for other reasons; only an unknown user is reworded.
        const username = String(req?.AuthParameters?.USERNAME ?? '');
        if (e.code === 'NotAuthorizedException' && !(await (await poolOf(env, ctx, req)).getUserByUsername(ctx, username))) {
          const client = req?.ClientId ? await env.services.cognito.getAppClient(ctx, req.ClientId) : null;
          if (client?.PreventUserExistenceErrors === 'ENABLED') {
            throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
          }
          throw new CognitoError('UserNotFoundException', 'User does not exist.');
        }
      }
      throw e;
    }
  },
};
