import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/serverlessConfig';

export const PACKAGE_DIR = join(PROJECT_ROOT, '.serverless');
export const TEMPLATE_PATH = join(PACKAGE_DIR, 'cloudformation-template-update-stack.json');

export interface Template {
  Resources: Record<string, { Type: string; Properties: any }>;
  Outputs?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
}

let packaged: Template | undefined;

/** The system temp folder that the packaging below sees, its own: what it leaves there can be counted. */
export const PACKAGE_TMPDIR = mkdtempSync(join(tmpdir(), 'sls-package-'));

/**
 * `sls package --stage ci`, run once per test process with no AWS credentials and no network
 * variables, as a fresh CI machine would. Returns the CloudFormation template it wrote.
 */
export function packageOffline(): Template {
  if (packaged) return packaged;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: PACKAGE_TMPDIR,
    CI: '1',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  execFileSync(join(PROJECT_ROOT, 'node_modules/.bin/sls'), ['package', '--stage', 'ci'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: 'pipe',
    timeout: 240_000,
  });
  if (!existsSync(TEMPLATE_PATH)) throw new Error(`sls package wrote no ${TEMPLATE_PATH}`);
  packaged = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
  return packaged;
}
