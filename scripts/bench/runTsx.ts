import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface TsxRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit, on this process's clock. */
  wallMs: number;
  /** Date.now() at spawn: the child's own clock (its timeOrigin) can be placed against it. */
  spawnedAt: number;
}

/**
 * The environment this process started with. A local cloud started in this process rewrites
 * process.env for its in-process handlers (endpoints of its emulators, POWERTOOLS_LOG_LEVEL=SILENT,
 * every function's variables), and a child that inherited that would run, and count, differently
 * from `npm start` run by hand: checkCounts measured 0 log bytes after the bench's own cloud had
 * set the log level to SILENT (issue 20). Taken when this module loads, before any cloud starts.
 */
const LAUNCH_ENV: NodeJS.ProcessEnv = { ...process.env };

/**
 * Runs a TypeScript entry point the way `npm start` / the bench's helpers run: `tsx <script>` in a
 * child process under `root`, with CI=true (no progress output), collecting what it prints. Measured
 * from here, so the child's start-up counts.
 */
export function runTsx(root: string, script: string, args: string[] = []): Promise<TsxRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const spawnedAt = Date.now();
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [script, ...args], {
      cwd: root,
      env: { ...LAUNCH_ENV, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started, spawnedAt }));
  });
}
