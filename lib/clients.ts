import { IAMClient } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * One SDK client per service per container, created on first use: endpoints come from the
 * standard AWS_ENDPOINT_URL_<SERVICE> variables (how the local cloud points us at emulators),
 * so they must be set before the first call, not before the module loads.
 */
function lazy<T>(create: () => T): () => T {
  let client: T | undefined;
  return () => (client ??= create());
}

export const iam = /* @__PURE__ */ lazy(() => new IAMClient({}));
export const cognito = /* @__PURE__ */ lazy(() => new CognitoIdentityProviderClient({}));

const cognitoByRegion = new Map<string, CognitoIdentityProviderClient>();
/**
 * A Cognito client for a pool's Region (lib/cognito/region.ts), which may differ from the stack's:
 * checks serve pools in any Region. One per Region per container; AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
 * when set (the local cloud), still wins over the Region's endpoint.
 */
export function cognitoIn(region: string): CognitoIdentityProviderClient {
  let client = cognitoByRegion.get(region);
  if (!client) cognitoByRegion.set(region, (client = new CognitoIdentityProviderClient({ region, ...localRegionEndpoint(region) })));
  return client;
}
/**
 * The local cloud serves every Region at one address, each also under `/<region>`: unsigned calls
 * (InitiateAuth, RespondToAuthChallenge) carry no SigV4 Region, so a secondary replica's endpoint is
 * told by path there, as a real one is by host name (`cognito-idp.<region>.amazonaws.com`).
 */
function localRegionEndpoint(region: string): { endpoint?: string } {
  const local = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
  return local && process.env.LOCAL_COGNITO_REGION_PATHS === 'true' ? { endpoint: `${local.replace(/\/+$/, '')}/${region}` } : {};
}
export const ssm = /* @__PURE__ */ lazy(() => new SSMClient({}));

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const dynamo = /* @__PURE__ */ lazy(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);
export const sfn = /* @__PURE__ */ lazy(() => new SFNClient({}));
export const secrets = /* @__PURE__ */ lazy(() => new SecretsManagerClient({}));

import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';

/** AWS End User Messaging SMS (service `sms-voice`, API "Pinpoint SMS Voice V2"). */
export const smsVoice = /* @__PURE__ */ lazy(() => new PinpointSMSVoiceV2Client({}));
