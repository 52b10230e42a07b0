import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/**
 * In a child process: jest gives each test file its own copy of process.env, and os.tmpdir()
 * reads the real environment, so TMPDIR can only be moved for a whole process.
 */
describe('startLocalCloud when moto is missing', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'start-failure-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('fails with MotoNotInstalledError and leaves no cognito-local data folder behind', async () => {
    const [bin, temp] = [join(scratch, 'bin'), join(scratch, 'tmp')];
    for (const dir of [bin, temp]) mkdirSync(dir);
    const script = `
      require('./local/cloud').startLocalCloud().then(
        () => console.log('started'),
        // cognito-local may still be starting when moto's failure is known: give it time to make its folder.
        // process.exit: a cognito-local left running would otherwise keep the child alive.
        (e) => setTimeout(() => { console.log(e.name); process.exit(0); }, 1000),
      );`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      // No moto_server or python on PATH; cognito-local's folder goes under this TMPDIR.
      env: { ...process.env, PATH: bin, TMPDIR: temp },
    });
    expect(stdout.trim()).toBe('MotoNotInstalledError');
    expect(readdirSync(temp).filter((name) => name.startsWith('local-cognito-'))).toEqual([]);
    // A child process that compiles the local cloud with tsx: seconds on a busy CI machine.
  }, 60_000);
});
