import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/serverlessConfig';
import { main } from './testStage';

/** `npm run test:stage` never needs an account to say what it is missing. */
const io = () => {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
};

it('asks for a stage, with the usage, exit 2', async () => {
  const { lines, io: streams } = io();
  expect(await main([], streams)).toBe(2);
  expect(lines.err.join('\n')).toMatch(/Give --stage <name>[\s\S]*Usage: npm run test:stage/);
  expect(await main(['--stage', 'no/such'], streams)).toBe(2);
  expect(lines.err.join('\n')).toContain('"no/such" is not a stage name');
});

it('without AWS credentials stops at once, naming what is missing and the stack it looked for', () => {
  // No credentials anywhere the SDK looks: env, profile files, container and instance roles.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent', AWS_REGION: 'eu-west-1' };
  Object.assign(env, {
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const started = Date.now();
  const result = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/testStage.ts', '--stage', 'x'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const elapsed = Date.now() - started;
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('No AWS credentials: cannot read stack cognito-sms-mfa-x (stage x, region eu-west-1)');
  expect(result.stderr).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY[\s\S]*AWS_PROFILE=<name>/);
  expect(result.stdout).not.toContain('Acceptance test on stack');
  expect(elapsed).toBeLessThan(10_000);
}, 30_000);
