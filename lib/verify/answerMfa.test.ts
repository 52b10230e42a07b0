import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  ConfirmDeviceCommand,
  RespondToAuthChallengeCommand,
  UpdateDeviceStatusCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RunItem } from '../runs/model';
import { mockPool } from '../../tests/support/cognitoPool';
import { answerRunMfa } from './answerMfa';

/**
 * The SMS_MFA answer of both kinds of check on a pool that tracks devices. Cognito asks
 * DEVICE_SRP_AUTH only of a sign-in that names a remembered device's DEVICE_KEY (API reference,
 * DeviceConfigurationType), which a check never sends; should it ask anyway, the run fails
 * DeviceChallenge, naming the setting. The usual answer, tokens plus NewDeviceMetadata, is taken
 * as tokens, and no device is ever confirmed.
 */
const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'eu-west-1_Pool1';
const CLIENT_ID = 'client1abc';
const RUN = {
  runId: 'run-1',
  userPoolId: POOL,
  clientId: CLIENT_ID,
  region: 'eu-west-1',
  username: 'synthetic-run-1',
  authSession: 'mfa-session',
} as unknown as RunItem;

beforeEach(() => {
  cognito.reset();
  mockPool(cognito, { userPoolId: POOL, clientId: CLIENT_ID });
});

describe('answerRunMfa on a pool that tracks devices', () => {
  it.each([['DEVICE_SRP_AUTH'], ['DEVICE_PASSWORD_VERIFIER']])(
    'a %s challenge after the code fails DeviceChallenge, naming DeviceConfiguration; no session or code in the message',
    async (challenge) => {
      cognito.on(RespondToAuthChallengeCommand).resolves({ ChallengeName: challenge as never, Session: 'device-session' });
      const error = await answerRunMfa(RUN, '123456').catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'DeviceChallenge', message: expect.stringContaining('DeviceConfiguration') });
      expect((error as Error).message).toContain(challenge);
      for (const secret of ['123456', 'mfa-session', 'device-session']) expect((error as Error).message).not.toContain(secret);
    },
  );

  it('tokens with NewDeviceMetadata are an answer like any (no ConfirmDevice, no device remembered)', async () => {
    const answer = {
      AuthenticationResult: {
        AccessToken: 'a',
        NewDeviceMetadata: { DeviceKey: 'eu-west-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', DeviceGroupKey: '-abcDEF' },
      },
    };
    cognito.on(RespondToAuthChallengeCommand).resolves(answer);
    await expect(answerRunMfa(RUN, '123456')).resolves.toMatchObject(answer);
    expect(cognito).toHaveReceivedCommandWith(RespondToAuthChallengeCommand, {
      ChallengeName: 'SMS_MFA',
      ChallengeResponses: { USERNAME: 'synthetic-run-1', SMS_MFA_CODE: '123456' },
    });
    // No DEVICE_KEY is ever sent, so Cognito has no device to challenge.
    expect(JSON.stringify(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input)).not.toContain('DEVICE_KEY');
    expect(cognito).not.toHaveReceivedCommand(ConfirmDeviceCommand);
    expect(cognito).not.toHaveReceivedCommand(UpdateDeviceStatusCommand);
  });
});

describe('answerRunMfa answers the challenge the run recorded', () => {
  it.each([
    [undefined, 'SMS_MFA', 'SMS_MFA_CODE'],
    ['SMS_MFA', 'SMS_MFA', 'SMS_MFA_CODE'],
    ['SMS_OTP', 'SMS_OTP', 'SMS_OTP_CODE'],
  ] as const)('challengeName %s: answers %s with %s and no other code key', async (recorded, challenge, key) => {
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { AccessToken: 'a' } });
    await answerRunMfa({ ...RUN, challengeName: recorded } as RunItem, '654321');
    const input = cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input;
    expect(input.ChallengeName).toBe(challenge);
    expect(input.ChallengeResponses).toEqual({ USERNAME: 'synthetic-run-1', [key]: '654321' });
  });
});
