import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';
import { awsCliJson } from '../../support/awsCli';

/**
 * Issue 19, item 2's "Must show": a pool in another Region than the stage's. Made with
 * `aws --region eu-west-1 cognito-idp create-user-pool` on the local cloud, it gets an `eu-west-1_`
 * id (Cognito names pools by Region: "the ID of the user pool … <region>_<id>", CreateUserPool,
 * Cognito API reference); after `cogcheck target add` a sign-in check on it passes, its Cognito
 * calls made in eu-west-1 while the runs table and the inbound number stay in the stage's Region.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-regions-'));
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
const { main } = require('../../../cli/main') as typeof import('../../../cli/main');

let cloud: LocalCloud;
const EXTERNAL_ID = 'b1f6c1de-2222-4c3b-9d4e-5f6a7b8c9d0e';

const aws = <T>(region: string, ...args: string[]) => awsCliJson<T>(cloud.env, '--region', region, ...args);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let eu: { userPoolId: string; clientId: string };

beforeAll(async () => {
  cloud = await startLocalCloud({});
  writeLocalEndpoints(localCloudEndpoints(cloud));
  // The stage's own pool and its inbound number's two-way channel, as `npm start` leaves them.
  expect((await cli('provision', '--local')).code).toBe(0);
  const { Role } = await aws<{ Role: { Arn: string } }>(
    'us-east-1',
    'iam',
    'create-role',
    '--role-name',
    'Eu-SMS-Role',
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
  await aws(
    'us-east-1',
    'iam',
    'put-role-policy',
    '--role-name',
    'Eu-SMS-Role',
    '--policy-name',
    'sns',
    '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }),
  );
  const { UserPool } = await aws<{ UserPool: { Id: string; Arn: string } }>(
    'eu-west-1',
    'cognito-idp',
    'create-user-pool',
    '--pool-name',
    'ShopEu',
    '--mfa-configuration',
    'ON',
    '--auto-verified-attributes',
    'phone_number',
    '--sms-configuration',
    `SnsCallerArn=${Role.Arn},ExternalId=${EXTERNAL_ID},SnsRegion=eu-west-1`,
  );
  const { UserPoolClient } = await aws<{ UserPoolClient: { ClientId: string } }>(
    'eu-west-1',
    'cognito-idp',
    'create-user-pool-client',
    '--user-pool-id',
    UserPool.Id,
    '--client-name',
    'app',
    '--explicit-auth-flows',
    'ALLOW_USER_PASSWORD_AUTH',
    'ALLOW_REFRESH_TOKEN_AUTH',
  );
  eu = { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}, 180_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a pool in another Region than the stage', () => {
  it('aws --region eu-west-1 create-user-pool: an eu-west-1_ id', () => {
    expect(eu.userPoolId).toMatch(/^eu-west-1_[0-9a-zA-Z]+$/);
  });

  it('target add records it in eu-west-1; a signin check passes with region eu-west-1; status groups it under eu-west-1', async () => {
    const added = await cli(
      'target',
      'add',
      '--local',
      '--name',
      'shop-eu',
      '--user-pool-id',
      eu.userPoolId,
      '--client-id',
      eu.clientId,
      '--json',
    );
    expect({ code: added.code, err: added.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(added.out)).toMatchObject({
      region: 'eu-west-1',
      record: { region: 'eu-west-1' },
      kinds: { signin: { ready: true } },
    });

    const verified = await cli('verify', '--local', '--target', 'shop-eu', '--kind', 'signin', '--json');
    const report = JSON.parse(verified.out) as { status: string; verdict: string; region: string; kind: string; cause?: string };
    expect({ code: verified.code, err: verified.err, cause: report.cause }).toEqual({ code: 0, err: '', cause: undefined });
    expect(report).toMatchObject({ status: 'SUCCEEDED', kind: 'signin', region: 'eu-west-1' });
    expect(report.verdict).toMatch(/^PASS in /);
    // The runs table and the inbound number stay in the stage's Region: the SMS came back by itself there.
    expect(cloud.env.AWS_REGION ?? 'us-east-1').not.toBe('eu-west-1');

    const status = await cli('status', '--local', '--json');
    const { byRegion } = JSON.parse(status.out) as { byRegion: Record<string, { runs: number; successRate: number }> };
    expect(byRegion['eu-west-1']).toEqual({ runs: 1, successRate: 1 });
  }, 180_000);
});
