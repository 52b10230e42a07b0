import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportedEnv, hasAwsCli, ROOT, startProcesses } from './harness';

/**
 * The README's "Walkthrough by hand with the AWS CLI", as a person runs it: `npm start --
 * --keep-running` up, the AWS CLI's sign-up, confirm-sign-up, initiate-auth and
 * respond-to-auth-challenge against the local Cognito, each code read with
 * `npm run cli -- sms --local --phone <phone> --last --json` (bin/cogcheck.ts in a child process).
 */
const run = promisify(execFile);
const { start, endpointsFile } = startProcesses();
jest.setTimeout(180_000);

const PHONE = '+15555550123';
const PASSWORD = 'Passw0rd!Walk';

(hasAwsCli ? it : it.skip)('a person signs up and signs in with SMS MFA by hand, reading each code from the fake phone', async () => {
  const s = start(['--keep-running']);
  await s.waitFor(/Waiting for Ctrl-C/);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...exportedEnv(s.stdout()),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  delete env.AWS_PROFILE;
  const aws = async (...args: string[]) =>
    JSON.parse((await run('aws', ['cognito-idp', ...args, '--output', 'json'], { env })).stdout || 'null');
  const cogcheck = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'cogcheck.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, COGCHECK_LOCAL_ENDPOINTS: endpointsFile },
    });
  const lastCode = async () => {
    const { stdout } = await cogcheck('sms', '--local', '--phone', PHONE, '--last', '--json');
    return JSON.parse(stdout) as { phoneNumber: string; message: string; code: string; receivedAt: string; runId?: string };
  };

  const pools = await aws('list-user-pools', '--max-results', '10');
  const poolId = pools.UserPools.find((p: { Name: string }) => p.Name === 'MyUserPool').Id as string;
  const clients = await aws('list-user-pool-clients', '--user-pool-id', poolId);
  const clientId = clients.UserPoolClients.find((c: { ClientName: string }) => c.ClientName === 'MyUserPoolClient').ClientId as string;

  // Before any SMS to that phone: --last says so and exits 1.
  await expect(cogcheck('sms', '--local', '--phone', PHONE, '--last', '--json')).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('No SMS to +*******0123 yet'),
  });

  const signUp = await aws(
    'sign-up',
    '--client-id',
    clientId,
    '--username',
    'user1',
    '--password',
    PASSWORD,
    '--user-attributes',
    `Name=phone_number,Value=${PHONE}`,
  );
  expect(signUp).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'SMS', Destination: '+*******0123' } });
  const signUpSms = await lastCode();
  expect(signUpSms).toEqual({
    phoneNumber: PHONE,
    message: expect.stringContaining(signUpSms.code),
    code: expect.stringMatching(/^\d{6}$/),
    receivedAt: expect.any(String),
  });
  await aws('confirm-sign-up', '--client-id', clientId, '--username', 'user1', '--confirmation-code', signUpSms.code);

  const auth = await aws(
    'initiate-auth',
    '--auth-flow',
    'USER_PASSWORD_AUTH',
    '--client-id',
    clientId,
    '--auth-parameters',
    `USERNAME=user1,PASSWORD=${PASSWORD}`,
  );
  expect(auth.ChallengeName).toBe('SMS_MFA');
  const mfaSms = await lastCode();
  expect(mfaSms.code).not.toBe(signUpSms.code);
  expect(mfaSms.message).toMatch(/authentication code/);
  const tokens = await aws(
    'respond-to-auth-challenge',
    '--client-id',
    clientId,
    '--challenge-name',
    'SMS_MFA',
    '--challenge-responses',
    `USERNAME=user1,SMS_MFA_CODE=${mfaSms.code}`,
    '--session',
    auth.Session,
  );
  expect(tokens.AuthenticationResult).toMatchObject({
    TokenType: 'Bearer',
    ExpiresIn: 3600,
    IdToken: expect.any(String),
    AccessToken: expect.any(String),
  });

  // The whole inbox, for a person: one line per SMS, the phone masked; the run's SMS name their run.
  const { stdout: lines } = await cogcheck('sms', '--local');
  expect(lines).toMatch(/\+\*{7}0100 {2}code \d{6} {2}run verify-1-/);
  expect(lines).toContain(`+*******0123  code ${mfaSms.code}`);
  expect(lines).not.toContain(PHONE);
  // npm start showed each SMS as it arrived, masked.
  await s.waitFor(new RegExp(`📱 \\S+ {2}\\+\\*{7}0123 {2}code ${mfaSms.code}`));
  expect(s.stdout()).not.toContain(PHONE);

  s.child.kill('SIGINT');
  expect((await s.exit).code).toBe(0);
  // The cloud is gone: the CLI says so instead of hanging.
  await expect(cogcheck('sms', '--local')).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/No local cloud is running|does not answer/),
  });
});

(hasAwsCli ? it : it.skip)(
  'on a custom-sender pool, the code Cognito hands the sender reaches the person by End User Messaging, into the inbox',
  async () => {
    const s = start(['--keep-running', '--code-source', 'custom-sender']);
    await s.waitFor(/Waiting for Ctrl-C/);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...exportedEnv(s.stdout()),
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    delete env.AWS_PROFILE;
    const aws = async (...args: string[]) =>
      JSON.parse((await run('aws', ['cognito-idp', ...args, '--output', 'json'], { env })).stdout || 'null');
    const poolId = (await aws('list-user-pools', '--max-results', '10')).UserPools.find((p: { Name: string }) => p.Name === 'MyUserPool')
      .Id as string;
    const clientId = (await aws('list-user-pool-clients', '--user-pool-id', poolId)).UserPoolClients[0].ClientId as string;
    await aws(
      'sign-up',
      '--client-id',
      clientId,
      '--username',
      'user2',
      '--password',
      PASSWORD,
      '--user-attributes',
      `Name=phone_number,Value=${PHONE}`,
    );
    // The sender decrypts and forwards asynchronously (SendTextMessage): wait for its line.
    await s.waitFor(/📱 \S+ {2}\+\*{7}0123 {2}code \d{6}/);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bin', 'cogcheck.ts'), 'sms', '--local', '--phone', PHONE, '--last', '--json'],
      {
        cwd: ROOT,
        env: { ...process.env, COGCHECK_LOCAL_ENDPOINTS: endpointsFile },
      },
    );
    const sms = JSON.parse(stdout) as { code: string };
    await aws('confirm-sign-up', '--client-id', clientId, '--username', 'user2', '--confirmation-code', sms.code);
    expect((await aws('admin-get-user', '--user-pool-id', poolId, '--username', 'user2')).UserStatus).toBe('CONFIRMED');
  },
);

describe('cogcheck sms without a local inbox', () => {
  const io = { out: jest.fn(), err: jest.fn() };
  const stage = {
    region: 'eu-west-1',
    stateMachines: { provision: 'p', verify: 'v', teardown: 't' },
    callbackUrl: 'https://example.com/codes',
  };

  it('refuses a deployed stage (real SMS reach real phones) and a phone that is not E.164, as usage errors', async () => {
    const { showSms } = await import('../../cli/sms');
    await expect(showSms(stage, { last: true, json: true }, io)).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('use --local'),
    });
    await expect(
      showSms({ ...stage, smsInboxUrl: 'http://127.0.0.1:9/sms' }, { phone: '5550123', last: false, json: false }, io),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      message: '--phone must be an E.164 number such as +15555550100',
    });
    expect(io.out).not.toHaveBeenCalled();
  });
});
