import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { smsMfaPoolInput } from '../../local/cognito/testing';
import { captureLogs } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 17, "Bad input and faults": a pool with device tracking. Cognito asks DEVICE_SRP_AUTH only
 * of a sign-in that names a remembered device's DEVICE_KEY; a sign-in without one gets tokens plus
 * NewDeviceMetadata (API reference, DeviceConfigurationType and NewDeviceMetadataType), and
 * "whether or not ChallengeRequiredOnNewDevice is true, users who sign in with devices that have
 * not been confirmed or remembered must still provide a second factor in a user pool that requires
 * MFA" (DeviceConfigurationType). So checks of such a pool pass: they meet SMS_MFA as anywhere,
 * ignore the device metadata, and never confirm a device, so no device piles up on the pool's
 * users. The local cloud answers as Cognito does (local/cognito/fidelity/deviceTracking.ts); it has
 * no device list (cognito-local lacks AdminListDevices), so the device calls are watched instead.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let target: { userPoolId: string; clientId: string };
const logs = captureLogs();
const PROBE_PASSWORD = 'Pr0be-password!';

beforeAll(async () => {
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
  const pool = await cognito.send(
    new CreateUserPoolCommand({
      ...smsMfaPoolInput('DeviceTrackingPool'),
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    }),
  );
  const userPoolId = pool.UserPool!.Id!;
  const app = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'DeviceTrackingClient',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  target = { userPoolId, clientId: app.UserPoolClient!.ClientId! };
}, 60_000);
afterAll(async () => {
  logs.restore();
  cognito?.destroy();
  await s?.close();
});

/** Any call that would remember a device: each counts and fails, so a check that made one could not pass unseen. */
function watchDeviceCalls() {
  return ['ConfirmDevice', 'UpdateDeviceStatus', 'AdminUpdateDeviceStatus'].map((operation) =>
    s.cloud.cognito.injectFault({ operation, error: 'InvalidParameterException', message: `${operation} seen`, times: Infinity }),
  );
}

const codeFor = (phone: string, kind: 'SIGN_UP' | 'MFA') =>
  s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone && m.kind === kind).at(-1)!.code;

describe('a pool with device tracking (ChallengeRequiredOnNewDevice true)', () => {
  it('answers a sign-in that names no device with tokens and NewDeviceMetadata, as Cognito does', async () => {
    const phone = nextPhone();
    await cognito.send(
      new SignUpCommand({
        ClientId: target.clientId,
        Username: 'probe',
        Password: PROBE_PASSWORD,
        UserAttributes: [{ Name: 'phone_number', Value: phone }],
      }),
    );
    await cognito.send(
      new ConfirmSignUpCommand({ ClientId: target.clientId, Username: 'probe', ConfirmationCode: codeFor(phone, 'SIGN_UP') }),
    );
    const challenge = await cognito.send(
      new InitiateAuthCommand({
        ClientId: target.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'probe', PASSWORD: PROBE_PASSWORD },
      }),
    );
    expect(challenge.ChallengeName).toBe('SMS_MFA');
    const tokens = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: target.clientId,
        ChallengeName: 'SMS_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'probe', SMS_MFA_CODE: codeFor(phone, 'MFA') },
      }),
    );
    expect(tokens.AuthenticationResult?.NewDeviceMetadata?.DeviceKey).toMatch(/^us-east-1_[0-9a-f-]{36}$/);
  });

  it.each<['signin' | 'signup', 'password' | 'srp']>([
    ['signin', 'password'],
    ['signin', 'srp'],
    ['signup', 'password'],
  ])('a %s check (%s) passes, confirms no device, and reports no device key', async (kind, authFlow) => {
    const watched = watchDeviceCalls();
    try {
      const result = await s.run('verify', { kind, ...target, authFlow, phoneNumber: nextPhone() });
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      expect(JSON.parse(result.output!)).toMatchObject({ verdict: 'PASS', kind, authFlow });
      expect(watched.map((w) => [w.rule.operation, w.fired])).toEqual([
        ['ConfirmDevice', 0],
        ['UpdateDeviceStatus', 0],
        ['AdminUpdateDeviceStatus', 0],
      ]);
      const seen = [JSON.stringify(await s.history(result.executionArn!)), result.output ?? '', logs.lines.join('')].join('\n');
      expect(seen).not.toMatch(/NewDeviceMetadata|DeviceKey|DeviceGroupKey/);
      expect(seen).not.toMatch(/us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    } finally {
      for (const w of watched) w.remove();
    }
  });
});
