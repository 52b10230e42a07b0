import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';
import { cognitoSmsTrustPolicy } from '../../../lib/iam/smsTrustPolicy';

/**
 * `cogcheck target add | list | show | remove` against the local cloud, on pools made with the
 * SDK the way an operator's Terraform or AWS CLI makes them (not by provisioning): the record goes
 * to the stage's SSM prefix, the pool and client are read and never changed, and removing the
 * target leaves them in place.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-target-'));
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
// Imported after the variable is set: the endpoints file location is read at load.
const { main } = require('../../../cli/main') as typeof import('../../../cli/main');

const EXTERNAL_ID = 'shop-external-id';
let cloud: LocalCloud;
let cognito: CognitoIdentityProviderClient;
let shop: { userPoolId: string; clientId: string; secret: string };
let other: { userPoolId: string; clientId: string };

beforeAll(async () => {
  cloud = await startLocalCloud({ codeSource: 'none' });
  writeLocalEndpoints(localCloudEndpoints(cloud));
  cognito = new CognitoIdentityProviderClient({});
  const iam = new IAMClient({});
  // The role an operator made for the pool, trusted by Cognito with the pool's ExternalId.
  const { Role } = await iam.send(
    new CreateRoleCommand({ RoleName: 'Shop-SMS-Role', AssumeRolePolicyDocument: JSON.stringify(cognitoSmsTrustPolicy(EXTERNAL_ID)) }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'Shop-SMS-Role',
      PolicyName: 'sns',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
    }),
  );
  const pool = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'Shop',
      MfaConfiguration: 'ON',
      AutoVerifiedAttributes: ['phone_number'],
      SmsConfiguration: { SnsCallerArn: Role!.Arn!, ExternalId: EXTERNAL_ID },
    }),
  );
  const userPoolId = pool.UserPool!.Id!;
  // What Amplify apps have: SRP and refresh only, and here a secret too.
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'web',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  shop = { userPoolId, clientId: UserPoolClient!.ClientId!, secret: UserPoolClient!.ClientSecret! };
  const otherPool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'Other' }));
  const otherClient = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: otherPool.UserPool!.Id!, ClientName: 'other' }));
  other = { userPoolId: otherPool.UserPool!.Id!, clientId: otherClient.UserPoolClient!.ClientId! };
  iam.destroy();
}, 60_000);
afterAll(async () => {
  cognito?.destroy();
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cogcheck(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cogcheck target on the local cloud', () => {
  it('add: records the pool as added under the stage prefix, and says what the check will use (srp); no secret printed', async () => {
    expect(shop.secret).toBeTruthy();
    const before = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: shop.userPoolId }));
    const r = await cogcheck(
      'target',
      'add',
      '--local',
      '--name',
      'Shop',
      '--user-pool-id',
      shop.userPoolId,
      '--client-id',
      shop.clientId,
      '--json',
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    const printed = JSON.parse(r.out);
    expect(printed).toMatchObject({
      target: 'Shop',
      region: shop.userPoolId.split('_')[0],
      kinds: { signin: { ready: true, authFlow: 'srp', problems: [] }, signup: { ready: true, authFlow: 'srp' } },
      record: {
        name: 'Shop',
        userPoolId: shop.userPoolId,
        clientId: shop.clientId,
        source: 'added',
        userPoolName: 'Shop',
        clientName: 'web',
      },
    });
    expect(printed.kinds.signin.flows.password.problems[0].problem).toBe('the app client does not allow ALLOW_USER_PASSWORD_AUTH');
    expect(r.out).not.toContain(shop.secret);
    // The record where verify runs read targets (lib/targets/getTarget.ts).
    const ssm = new SSMClient({});
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `${process.env.TARGET_PARAMETER_PREFIX}/Shop` }));
    ssm.destroy();
    expect(JSON.parse(Parameter!.Value!)).toMatchObject({ source: 'added', userPoolId: shop.userPoolId });
    expect(Parameter!.Value).not.toContain(shop.secret);
    // Nothing in the pool changed.
    const after = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: shop.userPoolId }));
    expect(after.UserPool).toEqual(before.UserPool);
  });

  it('add refuses a pool that does not exist, a client of another pool, and a taken name: exit 2 naming the id, nothing recorded', async () => {
    const missing = `${shop.userPoolId.split('_')[0]}_Nope12345`;
    const r1 = await cogcheck('target', 'add', '--local', '--name', 'Missing', '--user-pool-id', missing, '--client-id', shop.clientId);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain(missing);
    const r2 = await cogcheck(
      'target',
      'add',
      '--local',
      '--name',
      'Crossed',
      '--user-pool-id',
      shop.userPoolId,
      '--client-id',
      other.clientId,
    );
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`app client ${other.clientId} is not a client of user pool ${shop.userPoolId}`);
    const r3 = await cogcheck(
      'target',
      'add',
      '--local',
      '--name',
      'Shop',
      '--user-pool-id',
      other.userPoolId,
      '--client-id',
      other.clientId,
    );
    expect(r3.code).toBe(2);
    expect(r3.err).toContain('a target named "Shop" is already recorded');
    const list = JSON.parse((await cogcheck('target', 'list', '--local', '--json')).out);
    expect(list.targets.map((t: { name: string }) => t.name)).toEqual(['Shop']);
  });

  it.each([
    ['a pool id', 'Shop123', () => shop.clientId, '--user-pool-id: "Shop123" is not a user pool id'],
    ['a pool id without its Region', `_${'A'.repeat(9)}`, () => shop.clientId, 'is not a user pool id'],
    ['an app client id', () => shop.userPoolId, 'not a client!', '--client-id: "not a client!" is not an app client id'],
  ] as const)(
    'add refuses %s of the wrong shape on the local cloud: exit 2 naming the id, nothing recorded (review 2, finding D)',
    async (_what, pool, client, message) => {
      const userPoolId = typeof pool === 'function' ? pool() : pool;
      const clientId = typeof client === 'function' ? client() : client;
      const r = await cogcheck('target', 'add', '--local', '--name', 'WrongShape', '--user-pool-id', userPoolId, '--client-id', clientId);
      expect(r).toMatchObject({ code: 2, out: '' });
      expect(r.err).toContain(message);
      const ssm = new SSMClient({});
      await expect(ssm.send(new GetParameterCommand({ Name: `${process.env.TARGET_PARAMETER_PREFIX}/WrongShape` }))).rejects.toMatchObject({
        name: 'ParameterNotFound',
      });
      ssm.destroy();
      const list = JSON.parse((await cogcheck('target', 'list', '--local', '--json')).out);
      expect(list.targets.map((t: { name: string }) => t.name)).not.toContain('WrongShape');
    },
  );

  it('add refuses a pool the credentials cannot read (AccessDeniedException): exit 2 naming the id and the error, nothing recorded', async () => {
    const locked = await cognito.send(new CreateUserPoolCommand({ PoolName: 'Locked', MfaConfiguration: 'OFF' }));
    const lockedId = locked.UserPool!.Id!;
    const lockedClient = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: lockedId, ClientName: 'locked' }));
    // What Cognito answers when the caller's IAM policy does not allow cognito-idp:DescribeUserPool on the pool.
    const denied = cloud.cognito.injectFault({
      operation: 'DescribeUserPool',
      error: 'AccessDeniedException',
      message: `User: arn:aws:iam::123456789012:user/ops is not authorized to perform: cognito-idp:DescribeUserPool on resource: ${lockedId}`,
      match: (request) => request.UserPoolId === lockedId,
      times: Infinity,
    });
    try {
      const args = ['--local', '--name', 'Locked', '--user-pool-id', lockedId, '--client-id', lockedClient.UserPoolClient!.ClientId!];
      const r = await cogcheck('target', 'add', ...args);
      expect(denied.fired).toBe(1);
      expect(r).toMatchObject({ code: 2, out: '' });
      expect(r.err).toContain(`the credentials cannot read user pool ${lockedId} in us-east-1 (AccessDeniedException)`);
      const list = JSON.parse((await cogcheck('target', 'list', '--local', '--json')).out);
      expect(list.targets.map((t: { name: string }) => t.name)).not.toContain('Locked');
      const ssm = new SSMClient({});
      await expect(ssm.send(new GetParameterCommand({ Name: `${process.env.TARGET_PARAMETER_PREFIX}/Locked` }))).rejects.toMatchObject({
        name: 'ParameterNotFound',
      });
      ssm.destroy();
    } finally {
      denied.remove();
    }
  });

  it('show: the record and readiness read now; a pool without MFA is refused for both kinds, with the command that fixes it', async () => {
    const shown = await cogcheck('target', 'show', 'Shop', '--local');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^target Shop \(added \d{4}-/);
    expect(shown.out).toMatch(/^signin {2}yes {4}srp$/m);
    expect(shown.out).not.toContain(shop.secret);
    await cogcheck('target', 'add', '--local', '--name', 'Other', '--user-pool-id', other.userPoolId, '--client-id', other.clientId);
    const r = JSON.parse((await cogcheck('target', 'show', 'Other', '--local', '--json')).out);
    expect(r.kinds.signin.ready).toBe(false);
    expect(r.kinds.signin.problems[0]).toMatchObject({
      setting: 'MfaConfiguration',
      fix: expect.stringContaining('set-user-pool-mfa-config'),
    });
  });

  it('remove: the record goes, the pool and client stay', async () => {
    for (const name of ['Shop', 'Other']) {
      const r = await cogcheck('target', 'remove', name, '--local');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^removed target ${name} .* are untouched$`));
    }
    expect(JSON.parse((await cogcheck('target', 'list', '--local', '--json')).out).targets).toEqual([]);
    await expect(cognito.send(new DescribeUserPoolCommand({ UserPoolId: shop.userPoolId }))).resolves.toBeDefined();
    await expect(
      cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: shop.userPoolId, ClientId: shop.clientId })),
    ).resolves.toMatchObject({ UserPoolClient: { ClientName: 'web' } });
    expect((await cogcheck('target', 'show', 'Shop', '--local')).code).toBe(2);
  });
});
