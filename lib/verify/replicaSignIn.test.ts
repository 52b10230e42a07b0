import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { captureLogs } from '../../tests/support/logCapture';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockPool } from '../../tests/support/cognitoPool';
import { mockPasswordKey } from '../../tests/support/passwordKey';
import { adminRegionOf, secondaryRegionOf } from '../cognito/replica';
import { refuseSignUpOnReplica } from './runRequest';
import { REPLICATION_WAITS_MS, standingSignIn } from './standingSignIn';
import { standingUsername } from './standingUser';

/**
 * A sign-in check on a secondary replica: Cognito "creates separate user pools with a shared user
 * pool ID", and a secondary "can't create users" (developer guide, "Multi-Region replication for user
 * pools"). So the sign-in goes to the secondary's Region and the standing user is made in the
 * primary (the id's prefix), whence it replicates "eventually consistent"ly; a signup check there is
 * refused before any call.
 */
process.env.RUNS_TABLE = 'runs-test';
captureLogs();
const cognito = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const POOL = 'us-east-1_abc';
const PHONE = '+12065551234';
const USER = standingUsername(POOL, PHONE);
const SECONDARY = { region: 'eu-west-1', userPoolId: POOL, clientId: 'client1abc' };
const CHALLENGE = {
  ChallengeName: 'SMS_MFA' as const,
  Session: 'session-secret',
  ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******1234' },
};

const regionOfCall = async (getClient: () => unknown) => (getClient() as { config: { region: () => Promise<string> } }).config.region();

describe('the Regions of a replica target', () => {
  it('secondaryRegionOf: only a Region other than the id prefix is a secondary; adminRegionOf: the primary for one', () => {
    expect(secondaryRegionOf(SECONDARY)).toBe('eu-west-1');
    expect(secondaryRegionOf({ ...SECONDARY, region: 'us-east-1' })).toBeUndefined();
    expect(secondaryRegionOf({ userPoolId: 'made-up-id', region: 'eu-west-1' })).toBeUndefined();
    expect(adminRegionOf(SECONDARY)).toBe('us-east-1');
    expect(adminRegionOf({ ...SECONDARY, userPoolId: 'eu-west-1_abc' })).toBe('eu-west-1');
  });

  it('refuseSignUpOnReplica: a signup on a secondary is SignUpOnReplica, naming the replica; signin and a primary pass', () => {
    expect(() => refuseSignUpOnReplica('signup', { ...SECONDARY, targetName: 'ShopEu' })).toThrow(
      expect.objectContaining({
        name: 'SignUpOnReplica',
        message: expect.stringContaining('Target ShopEu is the secondary replica of user pool us-east-1_abc in eu-west-1'),
      }),
    );
    expect(() => refuseSignUpOnReplica('signin', SECONDARY)).not.toThrow();
    expect(() => refuseSignUpOnReplica('signup', { ...SECONDARY, region: 'us-east-1' })).not.toThrow();
  });
});

describe('standingSignIn on a secondary', () => {
  const regions: Record<string, string[]> = {};
  beforeEach(() => {
    jest.useRealTimers();
    cognito.reset();
    ddb.reset();
    mockPasswordKey(ddb);
    mockPool(cognito, { userPoolId: POOL, clientId: 'client1abc' });
    for (const k of Object.keys(regions)) delete regions[k];
    const record = (name: string) => async (_input: unknown, getClient: () => unknown) => {
      (regions[name] ??= []).push(await regionOfCall(getClient));
      return {};
    };
    cognito.on(AdminCreateUserCommand).callsFake(record('AdminCreateUser'));
    cognito.on(AdminSetUserPasswordCommand).callsFake(record('AdminSetUserPassword'));
    cognito.on(AdminGetUserCommand).callsFake(async (_input, getClient) => {
      (regions.AdminGetUser ??= []).push(await regionOfCall(getClient));
      throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
    });
  });

  it('creates the missing standing user in the primary and signs in at the secondary, waiting out replication', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let signIns = 0;
    cognito.on(InitiateAuthCommand).callsFake(async (_input, getClient) => {
      (regions.InitiateAuth ??= []).push(await regionOfCall(getClient));
      // Missing before it is made, and for the first try after (not replicated yet).
      if (++signIns <= 2) throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
      return CHALLENGE;
    });
    const done = standingSignIn({
      runId: 'run-1',
      client: SECONDARY,
      flow: 'password',
      username: USER,
      shape: 'username',
      mfaOptional: false,
      phone: PHONE,
      runStartedAt: Date.now(),
    });
    await jest.advanceTimersByTimeAsync(REPLICATION_WAITS_MS[0]!);
    await expect(done).resolves.toMatchObject({ standingUser: 'created', challengeName: 'SMS_MFA' });
    expect(regions.AdminCreateUser).toEqual(['us-east-1']);
    expect(regions.AdminSetUserPassword).toEqual(['us-east-1']);
    expect(regions.InitiateAuth).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-1']);
    jest.useRealTimers();
  });
});
