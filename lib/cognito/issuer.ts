import { ValidationError } from '../errors';
import { regionOfUserPool } from './region';

// An id not shaped <region>_<id> (made-up ids in unit tests) is taken to be of the stack's Region.
function regionOf(userPoolId: string): string | undefined {
  try {
    return regionOfUserPool(userPoolId);
  } catch (error) {
    if (error instanceof ValidationError) return process.env.AWS_REGION;
    throw error;
  }
}

/**
 * The issuer Cognito writes into a pool's tokens: its service endpoint plus the pool id. Where the
 * SDK is pointed at another endpoint through the standard AWS_ENDPOINT_URL_* variables, the
 * tokens come from there, so the expected issuer follows the same setting the SDK reads.
 */
export function cognitoIssuer(userPoolId: string): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? process.env.AWS_ENDPOINT_URL;
  const base = endpoint ? endpoint.replace(/\/+$/, '') : `https://cognito-idp.${regionOf(userPoolId)}.amazonaws.com`;
  return `${base}/${userPoolId}`;
}
