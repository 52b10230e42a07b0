import { CognitoError } from 'cognito-local/lib/errors';
import type { Json, TargetFix } from './types';

// Cognito's rule for phone_number: a plus sign, the country code, and digits only.
const PHONE_FORMAT = /^\+\d+$/;

/**
 * cognito-local stores any phone_number, so a sign-up with "555-0100" or "+1 555 0100" works
 * locally and fails on AWS with InvalidParameterException "Invalid phone number format.".
 */
export const phoneFormatFix: TargetFix = {
  fix: 'phoneFormat',
  targets: ['SignUp', 'AdminCreateUser', 'UpdateUserAttributes', 'AdminUpdateUserAttributes'],
  wrap: (inner) => async (ctx, req: Json) => {
    const attributes: Array<{ Name?: unknown; Value?: unknown }> = Array.isArray(req?.UserAttributes) ? req.UserAttributes : [];
    const phone = attributes.find((a) => a?.Name === 'phone_number');
    if (phone && (typeof phone.Value !== 'string' || !PHONE_FORMAT.test(phone.Value))) {
      throw new CognitoError('InvalidParameterException', 'Invalid phone number format.');
    }
    return inner(ctx, req);
  },
};
