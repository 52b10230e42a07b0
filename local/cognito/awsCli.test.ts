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

const awsIn = (region: string, ...args: string[]) =>
  run('aws', ['--endpoint-url', local.url, '--region', region, '--output', 'json', 'cognito-idp', ...args], {
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
const aws = (...args: string[]) => awsIn('us-east-1', ...args);

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

it('aws --region eu-west-1: a pool with email usernames and MFA OPTIONAL, a user who chose SMS MFA is challenged', async () => {
  // Pool shapes from the developer guide ("Working with user attributes", option 2; "Adding MFA to a
  // user pool"), made the way an operator would: with the AWS CLI, in another Region.
  const json = async (...args: string[]) => JSON.parse((await awsIn('eu-west-1', ...args)).stdout) as Record<string, any>;
  const { UserPool } = await json(
    'create-user-pool',
    '--pool-name',
    'EmailUsernames',
    '--username-attributes',
    'email',
    '--mfa-configuration',
    'OPTIONAL',
    '--auto-verified-attributes',
    'phone_number',
    '--sms-configuration',
    'SnsCallerArn=arn:aws:iam::123456789012:role/EmailUsernames-SMS-Role,ExternalId=ext-1',
  );
  expect(UserPool.Id).toMatch(/^eu-west-1_/);
  expect(UserPool.UsernameAttributes).toEqual(['email']);
  const { UserPoolClient } = await json(
    'create-user-pool-client',
    '--user-pool-id',
    UserPool.Id,
    '--client-name',
    'app',
    '--explicit-auth-flows',
    'ALLOW_USER_PASSWORD_AUTH',
    'ALLOW_REFRESH_TOKEN_AUTH',
  );
  const email = 'ops@example.invalid';
  const { User } = await json(
    'admin-create-user',
    '--user-pool-id',
    UserPool.Id,
    '--username',
    email,
    '--user-attributes',
    'Name=phone_number,Value=+15555550100',
    'Name=phone_number_verified,Value=true',
    '--message-action',
    'SUPPRESS',
  );
  expect(User.Username).toMatch(/^[0-9a-f-]{36}$/);
  await awsIn(
    'eu-west-1',
    'admin-set-user-password',
    '--user-pool-id',
    UserPool.Id,
    '--username',
    email,
    '--password',
    'Corr3ct-Horse!',
    '--permanent',
  );
  const signIn = () =>
    json(
      'initiate-auth',
      '--client-id',
      UserPoolClient.ClientId,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${email},PASSWORD=Corr3ct-Horse!`,
    );
  // Without an MFA preference the password alone signs in on an OPTIONAL pool.
  expect((await signIn()).AuthenticationResult.AccessToken).toEqual(expect.any(String));
  await awsIn(
    'eu-west-1',
    'admin-set-user-mfa-preference',
    '--user-pool-id',
    UserPool.Id,
    '--username',
    email,
    '--sms-mfa-settings',
    'Enabled=true,PreferredMfa=true',
  );
  const challenge = await signIn();
  expect(challenge.ChallengeName).toBe('SMS_MFA');
  expect(challenge.ChallengeParameters.USER_ID_FOR_SRP).toBe(User.Username);
  expect(local.sent.at(-1)).toMatchObject({ kind: 'MFA', userPoolId: UserPool.Id, phoneNumber: '+15555550100' });
});

it('aws --region eu-west-1 create-user-pool: the pool is found in eu-west-1 (its endpoint or signature), not in us-east-1', async () => {
  // Cognito is regional: each Region has its endpoint (cognito-idp.<region>.amazonaws.com, AWS
  // General Reference, "Amazon Cognito endpoints and quotas"); a pool id names its Region.
  const { UserPool } = JSON.parse((await awsIn('eu-west-1', 'create-user-pool', '--pool-name', 'CliEu')).stdout) as {
    UserPool: { Id: string };
  };
  expect(UserPool.Id).toMatch(/^eu-west-1_/);
  const describe = (region: string) => awsIn(region, 'describe-user-pool', '--user-pool-id', UserPool.Id);
  expect(JSON.parse((await describe('eu-west-1')).stdout).UserPool.Name).toBe('CliEu');
  await expect(describe('us-east-1')).rejects.toMatchObject({ stderr: expect.stringContaining('ResourceNotFoundException') });
  // The local cloud's eu-west-1 endpoint (<url>/eu-west-1) names the Region whatever the signature says.
  const viaEndpoint = await run(
    'aws',
    [
      '--endpoint-url',
      local.regionUrl('eu-west-1'),
      '--region',
      'us-east-1',
      '--output',
      'json',
      'cognito-idp',
      'describe-user-pool',
      '--user-pool-id',
      UserPool.Id,
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeout: 20_000,
    },
  );
  expect(JSON.parse(viaEndpoint.stdout).UserPool.Id).toBe(UserPool.Id);
});
