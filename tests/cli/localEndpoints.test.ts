import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimLocalEndpoints,
  ConfigError,
  readLocalEndpoints,
  releaseLocalEndpoints,
  writeLocalEndpoints,
  type Endpoints,
} from '../../cli/config';

/**
 * Two keep-running clouds on one checkout (issue 20, item 4): the first keeps the usual endpoints
 * file, a second writes its own beside it; a file whose cloud is gone is replaced, never trusted.
 * Another process stands in for the other cloud: a live one (sleep), or one that has exited.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-endpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const endpoints = (port: number): Endpoints => ({
  region: 'us-east-1',
  stateMachines: { provision: 'p', verify: 'v', teardown: 't' },
  callbackUrl: `http://127.0.0.1:${port}/codes`,
});
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
/** A pid that was a process and is no more. */
const exitedPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

it('the first cloud keeps the usual file, with its pid; releasing removes it', () => {
  const file = join(dir, 'first.json');
  expect(claimLocalEndpoints(endpoints(1), file)).toEqual({ file });
  expect(read(file)).toMatchObject({ callbackUrl: 'http://127.0.0.1:1/codes', pid: process.pid });
  releaseLocalEndpoints(file);
  expect(existsSync(file)).toBe(false);
});

it('a second cloud, while the first is alive, writes its own file beside it and leaves the first one alone', async () => {
  const file = join(dir, 'endpoints.json');
  const other = spawn('sleep', ['60']);
  try {
    writeLocalEndpoints({ ...endpoints(1), pid: other.pid! }, file);
    const claim = claimLocalEndpoints(endpoints(2), file);
    expect(claim).toEqual({ file: join(dir, `endpoints-${process.pid}.json`), otherCloudPid: other.pid });
    expect(read(file).callbackUrl).toBe('http://127.0.0.1:1/codes');
    expect(read(claim.file)).toMatchObject({ callbackUrl: 'http://127.0.0.1:2/codes', pid: process.pid });
    // Each file reads as its own cloud's.
    expect(readLocalEndpoints(file).callbackUrl).toBe('http://127.0.0.1:1/codes');
    expect(readLocalEndpoints(claim.file).callbackUrl).toBe('http://127.0.0.1:2/codes');
    // Stopping the second removes its own file only.
    releaseLocalEndpoints(claim.file);
    releaseLocalEndpoints(file);
    expect(existsSync(claim.file)).toBe(false);
    expect(read(file).pid).toBe(other.pid);
  } finally {
    other.kill();
  }
});

it.each([
  ['a cloud that has exited', () => ({ pid: exitedPid() })],
  ['no pid (an older version wrote it)', () => ({})],
])('a file left by %s is replaced', (_, owner) => {
  const file = join(dir, 'stale.json');
  writeLocalEndpoints({ ...endpoints(1), ...owner() }, file);
  expect(claimLocalEndpoints(endpoints(3), file)).toEqual({ file });
  expect(read(file)).toMatchObject({ callbackUrl: 'http://127.0.0.1:3/codes', pid: process.pid });
  releaseLocalEndpoints(file);
});

it('cogcheck --local refuses a file whose cloud has exited, saying so, instead of calling its dead ports', () => {
  const file = join(dir, 'dead.json');
  const pid = exitedPid();
  writeLocalEndpoints({ ...endpoints(1), pid }, file);
  expect(() => readLocalEndpoints(file)).toThrow(ConfigError);
  expect(() => readLocalEndpoints(file)).toThrow(`${file} was written by process ${pid}, which has exited`);
});
