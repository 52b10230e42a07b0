/**
 * Cold start of each function as deployed: the bundle that `sls package` (serverless-esbuild, as
 * configured in serverless.yml) puts in the function's zip, required in a fresh Node process — what
 * Lambda does on a cold start before the first event — against a bare `node -e 1`-like process in
 * the same run. CPU time (user + sys) comes from the child's own `process.cpuUsage()`, which covers
 * the whole process since it started (Node's own bootstrap included), so the two are comparable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../../local/report';

export interface Bundle {
  name: string;
  /** The handler file in the zip (esbuild's output), uncompressed. */
  bytes: number;
  /** Median over pairs of (CPU of a process that requires the bundle) / (CPU of a bare process). */
  coldInitCpuRatio: number;
  coldInitCpuMs: number;
  bareCpuMs: number;
  pairs: number;
}

/** `sls package` into a folder of its own, offline, as the stack tests run it. Returns the folder. */
export function packageFunctions(root: string, stage = 'bench'): string {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-package-'));
  const out = join(scratch, 'package');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: scratch,
    CI: '1',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  execFileSync(join(root, 'node_modules/.bin/sls'), ['package', '--stage', stage, '--package', out], {
    cwd: root,
    env,
    stdio: 'pipe',
    timeout: 300_000,
  });
  return out;
}

/** Each function's handler file, unzipped from its artifact: name → absolute path of the .js file. */
export function unpackHandlers(packageDir: string): Map<string, string> {
  const state = JSON.parse(readFileSync(join(packageDir, 'serverless-state.json'), 'utf8')) as {
    service: { functions: Record<string, { handler: string }> };
  };
  const handlers = new Map<string, string>();
  for (const [name, fn] of Object.entries(state.service.functions)) {
    const dir = join(packageDir, 'unzipped', name);
    mkdirSync(dir, { recursive: true });
    execFileSync('unzip', ['-o', '-q', join(packageDir, `${name}.zip`), '-d', dir]);
    const file = join(dir, `${fn.handler.replace(/\.[^.]+$/, '')}.js`);
    statSync(file);
    handlers.set(name, file);
  }
  return handlers;
}

/** The environment Lambda gives a Node function, minus credentials: what module top-level code may read. */
const LAMBDA_ENV = (name: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  POWERTOOLS_SERVICE_NAME: 'cognito-sms-mfa',
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

const PRINT_CPU = 'const u=process.cpuUsage();process.stdout.write(String(u.user+u.system))';

/** CPU microseconds of one fresh `node -e` process running `code`. */
function cpuOf(code: string, env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node -e failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return Number(r.stdout);
}

/** Bare and loaded processes alternate, so both see the same machine load. */
export function measureColdStart(name: string, file: string, pairs = 7): Bundle {
  const env = LAMBDA_ENV(name);
  const bare: number[] = [];
  const loaded: number[] = [];
  const ratios: number[] = [];
  cpuOf(`require(${JSON.stringify(file)});${PRINT_CPU}`, env); // page cache warm-up, not counted
  for (let i = 0; i < pairs; i++) {
    const b = cpuOf(`1;${PRINT_CPU}`, env);
    const l = cpuOf(`require(${JSON.stringify(file)});${PRINT_CPU}`, env);
    bare.push(b);
    loaded.push(l);
    ratios.push(l / b);
  }
  return {
    name,
    bytes: statSync(file).size,
    coldInitCpuRatio: Math.round(median(ratios) * 100) / 100,
    coldInitCpuMs: Math.round(median(loaded) / 100) / 10,
    bareCpuMs: Math.round(median(bare) / 100) / 10,
    pairs,
  };
}

/** Every packaged function, sorted by name. */
export function measureBundles(packageDir: string, pairs = 7, only?: (name: string) => boolean): Bundle[] {
  const handlers = unpackHandlers(packageDir);
  return [...handlers]
    .filter(([name]) => !only || only(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, file]) => measureColdStart(name, file, pairs));
}

/** The zips a package folder holds (to tell a stale folder from a fresh one). */
export const artifacts = (packageDir: string) => readdirSync(packageDir).filter((f) => f.endsWith('.zip'));
