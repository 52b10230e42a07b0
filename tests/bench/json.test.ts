import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/serverlessConfig';

/**
 * `npm run -s bench -- --json` is read by programs: stdout must be one JSON document (issue 20).
 * The full bench takes 100–150 s on this machine (about half of it `sls package` and the 35
 * bundles' cold loads), so this runs its quick variant: the in-process local cloud (a), whose
 * handlers log, then the checks counted in a child (d), through the same stdout and log capture;
 * `--skip-package` leaves out only the packaging, the fixed costs and the cold load, whose guard
 * coldStart.test.ts covers. Starts local clouds (moto_server) in child processes.
 */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tsx = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<Run>((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

/** The environment of a shell that runs the bench: none of the test setup's Powertools settings. */
const shellEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.POWERTOOLS_LOG_LEVEL;
  delete env.POWERTOOLS_METRICS_DISABLED;
  return env;
};

it('bench --json: stdout is one JSON document with the logs of a passing check measured; the Lambda lines are on stderr', async () => {
  const run = await tsx(['scripts/bench.ts', '--json', '--runs', '3', '--skip-spawn', '--skip-package'], shellEnv());
  expect(run.stderr).not.toContain('bench failed');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as {
    logs: { bytesPerPassingCheck: number | null; byKind: Record<string, number | null> };
    checks: Record<string, { counts?: { logEvents: number; logBytes: number } }>;
    perf: { measure: string }[];
    targets: { name: string; ok: boolean }[];
    bundles: unknown[];
    skipped: string[];
  };
  // The run's in-process part was measured, its handlers logged, and none of that reached stdout.
  expect(report.perf.some((p) => p.measure.startsWith('(a) verification through the stack'))).toBe(true);
  expect(run.stderr).toMatch(/^\{"level":"INFO","message":"created user pool"/m);
  // The checks' log lines were counted after the bench's own cloud had set POWERTOOLS_LOG_LEVEL=SILENT.
  expect(report.logs.bytesPerPassingCheck).toBeGreaterThan(0);
  expect(report.checks.signup.counts!.logEvents).toBeGreaterThan(0);
  expect(report.targets.find((t) => t.name === 'logs of a passing check')?.ok).toBe(true);
  expect(report.bundles).toEqual([]);
  expect(report.skipped).toContain('bundles (cold load)');
}, 240_000);

it('checkCounts counts log lines at the deployed INFO level even when it inherits POWERTOOLS_LOG_LEVEL=SILENT', async () => {
  const run = await tsx(['scripts/bench/checkCounts.ts'], { ...shellEnv(), POWERTOOLS_LOG_LEVEL: 'SILENT' });
  expect(run.code).toBe(0);
  const counted = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, { counts: { logEvents: number; logBytes: number } }>;
  expect(counted.signup.counts.logEvents).toBeGreaterThan(0);
  expect(counted.signin.counts.logBytes).toBeGreaterThan(0);
}, 120_000);
