import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `npm start` as a user runs it: `tsx local/start.ts` in a child process, on the embedded local
 * cloud, checked through its stdout, exit code, and (with --keep-running) the AWS CLI.
 */
export const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout (waiting for more output if needed). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Stops a child still running (a failed test): Ctrl-C to its process group, as a terminal would, then SIGKILL. */
async function stop(s: Started) {
  if (!running(s.child)) return;
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-s.child.pid!, signal);
    } catch {
      // gone
    }
  };
  group('SIGINT');
  const timer = setTimeout(() => group('SIGKILL'), 10_000);
  await s.exit;
  clearTimeout(timer);
}

/**
 * Registers the hooks that stop what a test left running, and gives `start`/`finished` that run
 * `npm start` with its --keep-running endpoints file in a temporary folder (`endpointsFile`), not
 * over a developer's own local cloud's.
 */
export function startProcesses() {
  const endpointsFile = join(mkdtempSync(join(tmpdir(), 'start-test-')), 'endpoints.json');
  const children = new Set<Started>();
  afterAll(() => rmSync(dirname(endpointsFile), { recursive: true, force: true }));
  afterEach(async () => {
    for (const s of children) await stop(s);
    children.clear();
  });

  /**
   * `viaNode`: node itself with tsx's loader, no tsx wrapper process in between, so that a signal
   * the wrapper would not relay (SIGHUP) reaches the script and its exit code is the child's.
   */
  function start(args: string[], opts: { viaNode?: boolean } = {}): Started {
    const [command, prefix] = opts.viaNode ? [process.execPath, ['--import', 'tsx']] : [TSX, []];
    const child = spawn(command, [...prefix, 'local/start.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0', COGCHECK_LOCAL_ENDPOINTS: endpointsFile },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that a failed test can stop tsx and the node it runs together.
      detached: true,
    });
    let out = '';
    let err = '';
    const listeners = new Set<() => void>();
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const l of [...listeners]) l();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    // 'close', not 'exit': a busy machine may still hold the last stderr lines when the process exits.
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => {
        for (const l of [...listeners]) l();
        resolve({ code, signal });
      }),
    );
    const waitFor = (pattern: RegExp, timeoutMs = 90_000) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(
              new Error(`exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`),
            );
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    const started = { child, stdout: () => out, stderr: () => err, waitFor, exit };
    children.add(started);
    return started;
  }

  async function finished(args: string[]) {
    const s = start(args);
    const { code } = await s.exit;
    return { code, stdout: s.stdout(), stderr: s.stderr() };
  }

  return { start, finished, endpointsFile };
}

export const hasAwsCli = (() => {
  try {
    execSync('command -v aws', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
})();

export function motoServersOn(port: string): string[] {
  try {
    return execSync('pgrep -af moto_server', { encoding: 'utf8' })
      .split('\n')
      .filter((l) => new RegExp(`-p ${port}(\\s|$)`).test(l));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The `export AWS_...=...` lines --keep-running prints, as an environment. */
export function exportedEnv(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of stdout.matchAll(/^\s+export (AWS_[A-Z0-9_]+)=(\S+)$/gm)) env[m[1]!] = m[2]!;
  return env;
}
