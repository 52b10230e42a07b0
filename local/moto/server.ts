import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface MotoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartMotoOptions {
  /** 0 (default): a free loopback port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long moto may take to answer (its imports take a few seconds on a cold machine). */
  startupTimeoutMs?: number;
  /** Environment for finding and running moto (tests point PATH at an empty folder). */
  env?: NodeJS.ProcessEnv;
}

export const MOTO_INSTALL_HINT = "pip install 'moto[server]>=5.2,<6'";

export class MotoNotInstalledError extends Error {
  override name = 'MotoNotInstalledError';
  constructor(detail?: string) {
    super(
      `moto_server was not found (neither \`moto_server\` nor \`python3 -m moto.server\`). Install it: ${MOTO_INSTALL_HINT}${detail ? `\n${detail}` : ''}`,
    );
  }
}

export class MotoStartError extends Error {
  override name = 'MotoStartError';
}

// Signs that the command exists but moto does not (pyenv shims, a python without moto).
const NOT_INSTALLED = /command not found|No module named '?moto|not found|ENOENT/i;
const TAIL_CHARS = 4000;

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function candidates(env: NodeJS.ProcessEnv): string[][] {
  const list: string[][] = [];
  const server = onPath('moto_server', env);
  if (server) list.push([server]);
  for (const python of ['python3', 'python']) {
    const p = onPath(python, env);
    if (p) list.push([p, '-m', 'moto.server']);
  }
  return list;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// SIGHUP too: moto runs in its own process group, so a closed terminal would not reach it.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Every moto we started, so that an exit or a signal of this process takes them down too.
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // moto runs in its own process group (detached), so a wrapper script cannot leave a python behind.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

const onExit = () => {
  for (const child of live) killGroup(child, 'SIGKILL');
};
const onSignal = (signal: NodeJS.Signals) => {
  onExit();
  untrack();
  // We took over the default "terminate on signal"; give it back when nobody else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};
function track(child: ChildProcess): void {
  if (live.size === 0) {
    process.on('exit', onExit);
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  }
  live.add(child);
}
function untrack(child?: ChildProcess): void {
  if (child) live.delete(child);
  else live.clear();
  if (live.size === 0) {
    process.off('exit', onExit);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stop(child: ChildProcess): Promise<void> {
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
  await exited(child);
  clearTimeout(timer);
  untrack(child);
}

type Attempt = { server: MotoServer } | { notInstalled: string };

/**
 * Exit handlers cannot run when this process is killed hard (SIGKILL, a CI job's timeout), and
 * moto, in its own process group, would outlive it. On Linux a small Python launcher asks the
 * kernel to kill it when its parent dies (prctl PR_SET_PDEATHSIG, kept across exec) and then
 * becomes moto_server itself. Elsewhere, or without python3, moto is started as it is.
 */
const PDEATHSIG_LAUNCHER =
  'import ctypes, os, signal, sys\n' +
  'ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)\n' +
  // The parent may already be gone (the launcher then belongs to init): do not start at all.
  'if os.getppid() != int(sys.argv[1]): sys.exit(1)\n' +
  'os.execvp(sys.argv[2], sys.argv[2:])';

function withParentDeathSignal(command: string[], env: NodeJS.ProcessEnv): string[] {
  const python = process.platform === 'linux' ? onPath('python3', env) : undefined;
  return python ? [python, '-c', PDEATHSIG_LAUNCHER, String(process.pid), ...command] : command;
}

async function attempt(command: string[], host: string, port: number, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Attempt> {
  const [bin, ...args] = withParentDeathSignal([...command, '-H', host, '-p', String(port)], env) as [string, ...string[]];
  const child = spawn(bin, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  track(child);
  // A moto nobody closed must not keep this process alive; the exit handler still stops it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      untrack(child);
      const why = `${spawnError?.message ?? ''}\n${tail}`.trim();
      if (NOT_INSTALLED.test(why)) return { notInstalled: why };
      throw new MotoStartError(`moto_server exited during start-up (code ${child.exitCode}). Last output:\n${why}`);
    }
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) {
        // Its output is still read (into `tail`) so that the pipes never fill up and block it.
        let closing: Promise<void> | undefined;
        return { server: { url, port, close: () => (closing ??= stop(child)) } };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop(child);
  throw new MotoStartError(`moto_server did not answer on ${url} within ${timeoutMs} ms. Last output:\n${tail}`);
}

/** A port found free can be taken by another process before moto binds it (parallel test workers): try another. */
const PORT_TAKEN = /Address already in use|is in use by another program/;
const PORT_TRIES = 3;

async function attemptOnFreePort(
  command: string[],
  host: string,
  fixedPort: number | undefined,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
) {
  for (let tries = 1; ; tries++) {
    const port = fixedPort || (await freePort(host));
    try {
      return await attempt(command, host, port, env, timeoutMs);
    } catch (error) {
      if (fixedPort || tries >= PORT_TRIES || !(error instanceof MotoStartError) || !PORT_TAKEN.test(error.message)) throw error;
    }
  }
}

/** Starts moto_server as a child process on loopback; close() (or this process ending) stops it. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const host = opts.host ?? '127.0.0.1';
  const env = opts.env ?? process.env;
  const timeoutMs = opts.startupTimeoutMs ?? 30_000;
  const notInstalled: string[] = [];
  for (const command of candidates(env)) {
    const result = await attemptOnFreePort(command, host, opts.port, env, timeoutMs);
    if ('server' in result) return result.server;
    notInstalled.push(`${command.join(' ')}: ${result.notInstalled.split('\n').slice(-3).join(' ')}`);
  }
  throw new MotoNotInstalledError(notInstalled.join('\n'));
}
