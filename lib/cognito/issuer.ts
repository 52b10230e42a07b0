/**
 * The issuer Cognito writes into a pool's tokens: its service endpoint plus the pool id. Where the
 * SDK is pointed at another endpoint through the standard AWS_ENDPOINT_URL_* variables, the
 * tokens come from there, so the expected issuer follows the same setting the SDK reads.
 */
export function cognitoIssuer(userPoolId: string): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? process.env.AWS_ENDPOINT_URL;
  const region = userPoolId.split('_')[0] || process.env.AWS_REGION;
  const base = endpoint ? endpoint.replace(/\/+$/, '') : `https://cognito-idp.${region}.amazonaws.com`;
  return `${base}/${userPoolId}`;
}
