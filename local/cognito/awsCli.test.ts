import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito, type LocalCognito } from './server';
import { cognitoClient, smsMfaPoolInput } from './testing';

const run = promisify(execFile);
let local: LocalCognito;
beforeAll(async () => {
  local = await startLocalCognito();
  const client = cognitoClient(local.url);
  for (let n = 1; n <= 12; n++) await client.send(new CreateUserPoolCommand(smsMfaPoolInput(n === 7 ? 'MyUserPool' : `pool${n}`)));
  client.destroy();
});
afterAll(() => local.close());

const aws = (...args: string[]) =>
  run('aws', ['--endpoint-url', local.url, '--region', 'us-east-1', '--output', 'json', 'cognito-idp', ...args], {
    // No profile or config of the machine may leak in.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeout: 20_000,
  });

it('aws cognito-idp list-user-pools --max-results 10 returns JSON the CLI can page through', async () => {
  const { stdout } = await aws('list-user-pools', '--max-results', '10');
  const first = JSON.parse(stdout) as { UserPools: Array<{ Id: string; Name: string }>; NextToken?: string };
  // The CLI treats --max-results as the total to show (real Cognito alike): 10 of the 12, plus a
  // token. The walkthrough's `jq select(.Name == ...)` over one call can miss a pool; code must page.
  expect(first.UserPools).toHaveLength(10);
  expect(first.NextToken).toEqual(expect.any(String));
  const rest = JSON.parse(
    (await aws('list-user-pools', '--max-results', '10', '--no-paginate', '--next-token', first.NextToken!)).stdout,
  ) as {
    UserPools: Array<{ Id: string; Name: string }>;
  };
  const all = [...first.UserPools, ...rest.UserPools];
  expect(new Set(all.map((p) => p.Id)).size).toBe(12);
  expect(all.find((p) => p.Name === 'MyUserPool')?.Id).toMatch(/^us-east-1_/);
});
