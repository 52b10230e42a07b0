/**
 * The device-tracking fix (fidelity/deviceTracking.ts), shown as fidelity.test.ts shows each fix:
 * Cognito's behaviour with it, cognito-local's with it switched off. Sources (Amazon Cognito user
 * pools API reference and developer guide):
 * - DeviceConfigurationType, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html:
 *   "If your app doesn't include a DEVICE_KEY parameter, the response from Amazon Cognito includes
 *   newly-generated DEVICE_KEY and DEVICE_GROUP_KEY values under NewDeviceMetadata."
 * - NewDeviceMetadataType, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_NewDeviceMetadataType.html:
 *   in `AuthenticationResult` of InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
 *   AdminRespondToAuthChallenge; DeviceKey pattern `[\w-]+_[0-9a-f-]+`.
 * - "Working with user devices in your user pool",
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html:
 *   "Amazon Cognito includes a device key in the response to any sign-in that doesn't already
 *   include device information. The device key is in the format Region_UUID."
 */
import {
  type CognitoIdentityProviderClient,
  type CreateUserPoolCommandInput,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito, type LocalCognito } from './server';
import { PASSWORD, cognitoClient, createPoolAndClient, lastSms, signUpAndConfirm, smsMfaPoolInput } from './testing';

const DEVICE_TRACKING = { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } };

const open: Array<{ local: LocalCognito; client: CognitoIdentityProviderClient }> = [];
afterAll(async () => {
  for (const o of open) o.client.destroy();
  await Promise.all(open.map((o) => o.local.close()));
});

async function env(pool: Partial<CreateUserPoolCommandInput>, deviceTracking = true) {
  const local = await startLocalCognito(deviceTracking ? {} : { fidelity: { deviceTracking: false } });
  const client = cognitoClient(local.url);
  open.push({ local, client });
  const ids = await createPoolAndClient(client, { ...smsMfaPoolInput(), ...pool });
  await signUpAndConfirm(local, client, ids.clientId);
  return { local, client, ...ids };
}

/** USER_PASSWORD_AUTH → SMS_MFA → tokens, with `extra` in both requests (e.g. a DEVICE_KEY). */
async function mfaLogin(e: Awaited<ReturnType<typeof env>>, extra: Record<string, string> = {}) {
  const challenge = await e.client.send(
    new InitiateAuthCommand({
      ClientId: e.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'user1', PASSWORD, ...extra },
    }),
  );
  expect(challenge.ChallengeName).toBe('SMS_MFA');
  return e.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: e.clientId,
      ChallengeName: 'SMS_MFA',
      Session: challenge.Session,
      ChallengeResponses: { USERNAME: 'user1', SMS_MFA_CODE: lastSms(e.local, 'MFA').code, ...extra },
    }),
  );
}

const DEVICE_KEY = /^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('device tracking (DeviceConfiguration)', () => {
  it('a sign-in without a DEVICE_KEY gets tokens and NewDeviceMetadata (Region_UUID), a new device each time; no device challenge', async () => {
    const e = await env(DEVICE_TRACKING);
    const pool = await e.client.send(new DescribeUserPoolCommand({ UserPoolId: e.userPoolId }));
    expect(pool.UserPool?.DeviceConfiguration).toEqual(DEVICE_TRACKING.DeviceConfiguration);
    const first = await mfaLogin(e);
    expect(first.ChallengeName).toBeUndefined();
    expect(first.AuthenticationResult).toMatchObject({
      AccessToken: expect.any(String),
      RefreshToken: expect.any(String),
      NewDeviceMetadata: { DeviceKey: expect.stringMatching(DEVICE_KEY), DeviceGroupKey: expect.any(String) },
    });
    expect(first.AuthenticationResult!.NewDeviceMetadata!.DeviceKey!.length).toBeLessThanOrEqual(55);
    const second = await mfaLogin(e);
    expect(second.AuthenticationResult?.NewDeviceMetadata?.DeviceKey).toMatch(DEVICE_KEY);
    expect(second.AuthenticationResult?.NewDeviceMetadata?.DeviceKey).not.toBe(first.AuthenticationResult!.NewDeviceMetadata!.DeviceKey);
  });

  it('a refresh makes no device; a sign-in that names its DEVICE_KEY gets no new one; a pool without DeviceConfiguration never does', async () => {
    const e = await env(DEVICE_TRACKING);
    const login = await mfaLogin(e);
    const refreshed = await e.client.send(
      new InitiateAuthCommand({
        ClientId: e.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: login.AuthenticationResult!.RefreshToken! },
      }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toBeDefined();
    expect(refreshed.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    const named = await mfaLogin(e, { DEVICE_KEY: login.AuthenticationResult!.NewDeviceMetadata!.DeviceKey! });
    expect(named.AuthenticationResult?.AccessToken).toBeDefined();
    expect(named.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();

    const plain = await env({});
    expect((await mfaLogin(plain)).AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
  });

  it('without the fix cognito-local keeps the DeviceConfiguration but hands out no device key', async () => {
    const e = await env(DEVICE_TRACKING, false);
    const pool = await e.client.send(new DescribeUserPoolCommand({ UserPoolId: e.userPoolId }));
    expect(pool.UserPool?.DeviceConfiguration).toEqual(DEVICE_TRACKING.DeviceConfiguration);
    const login = await mfaLogin(e);
    expect(login.AuthenticationResult?.AccessToken).toBeDefined();
    expect(login.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
  });
});
