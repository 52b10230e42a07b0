import { randomBytes, randomUUID } from 'node:crypto';
import { REFRESH_FLOWS } from './appClient';
import type { Json, TargetFix } from './types';
import { poolOf } from './types';

/**
 * Pools that remember devices. cognito-local keeps a pool's DeviceConfiguration but never acts on
 * it. Cognito, on such a pool, answers a sign-in that sends no DEVICE_KEY with tokens plus
 * `AuthenticationResult.NewDeviceMetadata` { DeviceKey, DeviceGroupKey } (API reference,
 * DeviceConfigurationType: "If your app doesn't include a DEVICE_KEY parameter, the response from
 * Amazon Cognito includes newly-generated DEVICE_KEY and DEVICE_GROUP_KEY values under
 * NewDeviceMetadata"; NewDeviceMetadataType: a response parameter of InitiateAuth,
 * AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge; developer guide,
 * "Working with user devices in your user pool": "The device key is in the format Region_UUID").
 * The device is remembered only if the app then calls ConfirmDevice with it; DEVICE_SRP_AUTH is
 * asked only of a sign-in that names a DEVICE_KEY. So a client that ignores the metadata signs in
 * exactly as on a pool without device tracking, which is what this lets the local cloud show.
 *
 * Not emulated: ConfirmDevice, the device list, and DEVICE_SRP_AUTH for a sign-in that sends a
 * DEVICE_KEY (such a sign-in gets no new metadata here, and no device challenge either). The
 * DeviceGroupKey's shape is not documented beyond its length; this one is a random string.
 */
const DEVICE_KEY_SENT: Readonly<Record<string, (req: Json) => unknown>> = {
  InitiateAuth: (req) => req?.AuthParameters?.DEVICE_KEY,
  AdminInitiateAuth: (req) => req?.AuthParameters?.DEVICE_KEY,
  RespondToAuthChallenge: (req) => req?.ChallengeResponses?.DEVICE_KEY,
  AdminRespondToAuthChallenge: (req) => req?.ChallengeResponses?.DEVICE_KEY,
};

export const deviceTrackingFix: TargetFix = {
  fix: 'deviceTracking',
  targets: Object.keys(DEVICE_KEY_SENT),
  wrap: (inner, env, target) => async (ctx, req) => {
    const out = await inner(ctx, req);
    // Only a sign-in makes a device: a refresh (REFRESH_TOKEN_AUTH) does not.
    if (!out?.AuthenticationResult?.AccessToken || REFRESH_FLOWS.has(String(req?.AuthFlow)) || DEVICE_KEY_SENT[target]!(req)) return out;
    const pool = await poolOf(env, ctx, req);
    if (!pool.options.DeviceConfiguration) return out;
    const region = String(pool.options.Id ?? '').split('_')[0] || 'us-east-1';
    return {
      ...out,
      AuthenticationResult: {
        ...out.AuthenticationResult,
        NewDeviceMetadata: { DeviceKey: `${region}_${randomUUID()}`, DeviceGroupKey: `-${randomBytes(6).toString('base64url')}` },
      },
    };
  },
};
