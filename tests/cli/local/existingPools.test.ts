import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';
import { awsCliJson } from '../../support/awsCli';

/**
 * Issue 17's "Must show", as a new user does it: pools made by hand with the AWS CLI (as Terraform,
 * CDK or an operator would make them, not by provisioning) are recorded with `cogcheck target add`
 * and checked with `cogcheck verify --target <n> --kind signin|signup --json`, the codes coming back
 * by themselves (two-way SMS to the stage's inbound number). Then teardown, pointed at a hand-made
 * pool, keeps it and the stack's SMS role that the tool's own pool still uses.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-existing-'));
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
// Imported after the variable is set: the endpoints file location is read at load.
const { main } = require('../../../cli/main') as typeof import('../../../cli/main');

let cloud: LocalCloud;
let roleArn: string;
const EXTERNAL_ID = 'a0f6c1de-1111-4c3b-9d4e-5f6a7b8c9d0e';

/** The AWS CLI v1 against the local cloud (tests/support/awsCli.ts). */
const aws = <T>(...args: string[]) => awsCliJson<T>(cloud.env, ...args);

function io() {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    io: { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l), isTTY: false, stdin: new PassThrough() },
  };
}

async function cli(...argv: string[]) {
  const t = io();
  const code = await main(argv, t.io);
  return { code, out: t.lines.join('\n'), err: t.errors.join('\n') };
}

/** `aws cognito-idp create-user-pool` with the SMS role, as an operator writes it; returns the pool id. */
async function createPool(name: string, mfa: 'ON' | 'OPTIONAL', ...extra: string[]): Promise<string> {
  const { UserPool } = await aws<{ UserPool: { Id: string } }>(
    'cognito-idp',
    'create-user-pool',
    '--pool-name',
    name,
    '--mfa-configuration',
    mfa,
    '--auto-verified-attributes',
    'phone_number',
    '--schema',
    'Name=phone_number,AttributeDataType=String,Required=true,Mutable=true',
    '--sms-configuration',
    `SnsCallerArn=${roleArn},ExternalId=${EXTERNAL_ID}`,
    ...extra,
  );
  return UserPool.Id;
}

async function createClient(userPoolId: string, ...extra: string[]): Promise<string> {
  const { UserPoolClient } = await aws<{ UserPoolClient: { ClientId: string } }>(
    'cognito-idp',
    'create-user-pool-client',
    '--user-pool-id',
    userPoolId,
    '--client-name',
    'app',
    ...extra,
  );
  return UserPoolClient.ClientId;
}

const shapes: Record<string, { userPoolId: string; clientId: string }> = {};

beforeAll(async () => {
  cloud = await startLocalCloud({});
  writeLocalEndpoints(localCloudEndpoints(cloud));
  // The tool's own pool (and the inbound number's two-way channel), as `npm start` leaves them.
  expect((await cli('provision', '--local')).code).toBe(0);
  const { Role } = await aws<{ Role: { Arn: string } }>(
    'iam',
    'create-role',
    '--role-name',
    'Shop-SMS-Role',
    '--assume-role-policy-document',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cognito-idp.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    }),
  );
  roleArn = Role.Arn;
  await aws(
    'iam',
    'put-role-policy',
    '--role-name',
    'Shop-SMS-Role',
    '--policy-name',
    'sns',
    '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
  );
  // (a) MFA OPTIONAL, users choose SMS MFA; a client without a secret.
  let id = await createPool('ShopOptional', 'OPTIONAL');
  shapes.optional = {
    userPoolId: id,
    clientId: await createClient(id, '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'),
  };
  // (b) MFA ON, a client with a secret.
  id = await createPool('ShopSecret', 'ON');
  shapes.secret = {
    userPoolId: id,
    clientId: await createClient(id, '--generate-secret', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'),
  };
  // (c) MFA ON, what an Amplify app's client allows: SRP and refresh only.
  id = await createPool('ShopAmplify', 'ON');
  shapes.amplify = {
    userPoolId: id,
    clientId: await createClient(id, '--explicit-auth-flows', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'),
  };
  // (d) MFA ON, the e-mail address is the username.
  id = await createPool('ShopEmail', 'ON', '--username-attributes', 'email');
  shapes.email = {
    userPoolId: id,
    clientId: await createClient(id, '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'),
  };
  for (const [name, { userPoolId, clientId }] of Object.entries(shapes)) {
    const added = await cli('target', 'add', '--local', '--name', name, '--user-pool-id', userPoolId, '--client-id', clientId);
    expect({ name, code: added.code, err: added.err }).toEqual({ name, code: 0, err: '' });
  }
}, 180_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface VerifyJson {
  status: string;
  verdict: string;
  kind: string;
  authFlow: string;
  region: string;
  error?: string;
  cause?: string;
}

async function verify(target: string, kind: 'signin' | 'signup'): Promise<VerifyJson> {
  const { code, out, err } = await cli('verify', '--local', '--target', target, '--kind', kind, '--json');
  const report = JSON.parse(out) as VerifyJson;
  expect({ target, kind, code, err, error: report.error, cause: report.cause }).toEqual({
    target,
    kind,
    code: 0,
    err: '',
    error: undefined,
    cause: undefined,
  });
  expect(report.verdict).toMatch(/^PASS in /);
  return report;
}

describe('checks of pools made by hand with the AWS CLI', () => {
  it.each([
    ['optional', 'signin', 'password'],
    ['optional', 'signup', 'password'],
    ['secret', 'signin', 'password'],
    ['secret', 'signup', 'password'],
    ['amplify', 'signin', 'srp'],
    ['email', 'signin', 'password'],
  ] as const)(
    '(%s) a %s check passes, signing in with %s',
    async (target, kind, authFlow) => {
      const report = await verify(target, kind);
      expect(report).toMatchObject({ status: 'SUCCEEDED', kind, authFlow, region: 'us-east-1' });
    },
    120_000,
  );

  it('target add refuses a pool that does not exist, naming the id, and records nothing', async () => {
    const missing = 'us-east-1_NoSuchPool1';
    const added = await cli(
      'target',
      'add',
      '--local',
      '--name',
      'ghost',
      '--user-pool-id',
      missing,
      '--client-id',
      shapes.secret!.clientId,
    );
    expect(added.code).toBe(2);
    expect(added.err).toContain(missing);
    expect((await cli('target', 'show', '--local', 'ghost')).code).not.toBe(0);
  });

  it("teardown pointed at a hand-made pool keeps it, and the stack's SMS role its own pool still uses", async () => {
    const result = await cli('teardown', '--local', '--input', JSON.stringify({ userPoolName: 'ShopSecret' }));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/NotManaged/);
    await expect(aws('cognito-idp', 'describe-user-pool', '--user-pool-id', shapes.secret!.userPoolId)).resolves.toMatchObject({
      UserPool: { Name: 'ShopSecret' },
    });
    await expect(aws('iam', 'get-role', '--role-name', 'MyUserPool-SMS-Role')).resolves.toMatchObject({
      Role: { RoleName: 'MyUserPool-SMS-Role' },
    });
    // The hand-made pool still passes a check after it.
    expect(await verify('secret', 'signin')).toMatchObject({ status: 'SUCCEEDED' });
  }, 120_000);
});
