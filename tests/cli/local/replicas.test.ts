import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  ListUserPoolReplicasCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';
import { cognitoSmsTrustPolicy } from '../../../lib/iam/smsTrustPolicy';

/**
 * Issue 19, item 3's "Must show", on the local cloud: a replica made with the SDK's
 * CreateUserPoolReplicaCommand (RegionName eu-west-1) is listed by ListUserPoolReplicasCommand; once
 * its Regional SMS configuration is set and it is ACTIVE ("New secondary user pools start in the
 * INACTIVE state … configure Regional settings before activating", developer guide "Multi-Region
 * replication for user pools"), `target add --pool-region eu-west-1` records it, a signin check
 * passes there with region eu-west-1 (the standing user made in the primary, which the secondary
 * cannot do: "Secondary user pools can't create users"), and a signup check is refused naming it.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-replicas-'));
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
const { main } = require('../../../cli/main') as typeof import('../../../cli/main');

const EXTERNAL_ID = 'c2f6c1de-3333-4c3b-9d4e-5f6a7b8c9d0e';
let cloud: LocalCloud;
let primary: CognitoIdentityProviderClient;
let secondary: CognitoIdentityProviderClient;
let pool: { userPoolId: string; clientId: string };
let roleArn: string;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  cloud = await startLocalCloud({});
  writeLocalEndpoints(localCloudEndpoints(cloud));
  expect((await cli('provision', '--local')).code).toBe(0);
  primary = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  secondary = new CognitoIdentityProviderClient({ region: 'eu-west-1' });
  const iam = new IAMClient({});
  const { Role } = await iam.send(
    new CreateRoleCommand({ RoleName: 'Global-SMS-Role', AssumeRolePolicyDocument: JSON.stringify(cognitoSmsTrustPolicy(EXTERNAL_ID)) }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'Global-SMS-Role',
      PolicyName: 'sns',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
    }),
  );
  iam.destroy();
  roleArn = Role!.Arn!;
  // Multi-Region replication needs the Essentials or Plus plan.
  const created = await primary.send(
    new CreateUserPoolCommand({
      PoolName: 'Global',
      UserPoolTier: 'ESSENTIALS',
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: roleArn, ExternalId: EXTERNAL_ID, SnsRegion: 'us-east-1' },
    }),
  );
  const userPoolId = created.UserPool!.Id!;
  const { UserPoolClient } = await primary.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'app',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  pool = { userPoolId, clientId: UserPoolClient!.ClientId! };
}, 180_000);

afterAll(async () => {
  primary?.destroy();
  secondary?.destroy();
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ssmRecord = async (name: string) => {
  const ssm = new SSMClient({});
  try {
    return await ssm.send(new GetParameterCommand({ Name: `${process.env.TARGET_PARAMETER_PREFIX}/${name}` }));
  } catch (error) {
    return (error as Error).name;
  } finally {
    ssm.destroy();
  }
};

describe('a pool replicated to eu-west-1', () => {
  it('CreateUserPoolReplicaCommand makes it, ListUserPoolReplicasCommand lists it, with the primary', async () => {
    const made = await primary.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.userPoolId, RegionName: 'eu-west-1' }));
    expect(made.UserPoolReplica).toMatchObject({ RegionName: 'eu-west-1', Role: 'SECONDARY' });
    const { UserPoolReplicas } = await primary.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.userPoolId }));
    expect(UserPoolReplicas).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ RegionName: 'us-east-1', Role: 'PRIMARY', Status: 'ACTIVE' }),
        expect.objectContaining({ RegionName: 'eu-west-1', Role: 'SECONDARY' }),
      ]),
    );
  });

  it('target add --pool-region refuses it while it is INACTIVE: exit 2, ReplicaNotActive, nothing recorded', async () => {
    const r = await cli(
      'target',
      'add',
      '--local',
      '--name',
      'global-eu',
      '--user-pool-id',
      pool.userPoolId,
      '--client-id',
      pool.clientId,
      '--pool-region',
      'eu-west-1',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(`ReplicaNotActive: the replica of user pool ${pool.userPoolId} in eu-west-1 is INACTIVE`);
    expect(await ssmRecord('global-eu')).toBe('ParameterNotFound');
  });

  it('target add --pool-region: a Region with no replica, and the primary Region itself, are refused by name', async () => {
    const args = (region: string) =>
      cli(
        'target',
        'add',
        '--local',
        '--name',
        'nope',
        '--user-pool-id',
        pool.userPoolId,
        '--client-id',
        pool.clientId,
        '--pool-region',
        region,
      );
    const none = await args('ap-south-1');
    expect(none.code).toBe(2);
    expect(none.err).toContain(`NoReplicaInRegion: user pool ${pool.userPoolId} has no replica in ap-south-1`);
    const same = await args('us-east-1');
    expect(same.code).toBe(2);
    expect(same.err).toContain('PoolRegionIsPrimary');
  });

  it('with its Regional SMS configuration set and ACTIVE: target add records it; a signin check passes in eu-west-1; a signup check is refused naming the replica', async () => {
    // Regional settings are set by UpdateUserPool in the secondary's Region.
    await secondary.send(
      new UpdateUserPoolCommand({
        UserPoolId: pool.userPoolId,
        MfaConfiguration: 'ON',
        AutoVerifiedAttributes: ['phone_number'],
        SmsConfiguration: { SnsCallerArn: roleArn, ExternalId: EXTERNAL_ID, SnsRegion: 'eu-west-1' },
      }),
    );
    await primary.send(new UpdateUserPoolReplicaCommand({ UserPoolId: pool.userPoolId, RegionName: 'eu-west-1', Status: 'ACTIVE' }));

    const added = await cli(
      'target',
      'add',
      '--local',
      '--name',
      'global-eu',
      '--user-pool-id',
      pool.userPoolId,
      '--client-id',
      pool.clientId,
      '--pool-region',
      'eu-west-1',
      '--json',
    );
    expect({ code: added.code, err: added.err }).toEqual({ code: 0, err: '' });
    const ready = JSON.parse(added.out);
    expect(ready).toMatchObject({
      region: 'eu-west-1',
      replica: { region: 'eu-west-1', primaryRegion: 'us-east-1', status: 'ACTIVE' },
      kinds: { signin: { ready: true, problems: [] }, signup: { ready: false } },
      record: { region: 'eu-west-1', userPoolId: pool.userPoolId },
    });

    const signin = await cli('verify', '--local', '--target', 'global-eu', '--kind', 'signin', '--json');
    const report = JSON.parse(signin.out) as { status: string; verdict: string; region: string; cause?: string };
    expect({ code: signin.code, err: signin.err, cause: report.cause }).toEqual({ code: 0, err: '', cause: undefined });
    expect(report).toMatchObject({ status: 'SUCCEEDED', region: 'eu-west-1' });
    // The MFA code was sent by the secondary, with its own Regional SMS configuration.
    expect(cloud.cognito.sent.filter((m) => m.userPoolId === pool.userPoolId && m.kind === 'MFA').at(-1)).toMatchObject({
      region: 'eu-west-1',
    });

    const signup = await cli('verify', '--local', '--target', 'global-eu', '--kind', 'signup', '--json');
    expect(signup.code).not.toBe(0);
    expect(signup.err).toContain(`SignUpOnReplica: Target global-eu is the secondary replica of user pool ${pool.userPoolId} in eu-west-1`);
  }, 180_000);

  it('a replica turned INACTIVE after target add: the signin check fails with the named verdict ReplicaNotActive, never Unexpected', async () => {
    cloud.cognito.setReplicaStatus(pool.userPoolId, 'eu-west-1', 'INACTIVE');
    const r = await cli('verify', '--local', '--target', 'global-eu', '--kind', 'signin', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'FAILED', error: 'ReplicaNotActive' });
  }, 180_000);

  it('its Regional SMS configuration removed: target show names what breaks after a failover, and the signin check fails SmsConfigurationRefused', async () => {
    cloud.cognito.setReplicaStatus(pool.userPoolId, 'eu-west-1', 'ACTIVE');
    // UpdateUserPool in the secondary without SmsConfiguration clears the replica's own (the primary keeps its).
    await secondary.send(
      new UpdateUserPoolCommand({ UserPoolId: pool.userPoolId, MfaConfiguration: 'ON', AutoVerifiedAttributes: ['phone_number'] }),
    );
    const shown = await cli('target', 'show', '--local', 'global-eu', '--json');
    expect(shown.code).toBe(0);
    const { kinds } = JSON.parse(shown.out);
    expect(kinds.signin.ready).toBe(false);
    expect(kinds.signin.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          setting: 'eu-west-1 SmsConfiguration',
          problem: expect.stringContaining('after a failover to eu-west-1, every SMS MFA sign-in there fails'),
          fix: expect.stringMatching(/^aws --region eu-west-1 cognito-idp update-user-pool /),
        }),
      ]),
    );
    const r = await cli('verify', '--local', '--target', 'global-eu', '--kind', 'signin', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'FAILED', error: 'SmsConfigurationRefused' });
  }, 180_000);
});
