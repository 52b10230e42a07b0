import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDataDir, removeStaleDataDirs } from './dataDir';

describe('cognito-local data folders', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'datadir-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the folder a killed local cloud left, and keeps a live one and anything else', async () => {
    // A pid that has surely exited: a child that already ran.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const name of [`local-cognito-${dead}-abc`, `local-cognito-${process.pid}-def`, 'local-cognito-old', 'other'])
      mkdirSync(join(dir, name));
    await expect(removeStaleDataDirs(dir)).resolves.toEqual([`local-cognito-${dead}-abc`]);
    expect(readdirSync(dir).sort()).toEqual([`local-cognito-${process.pid}-def`, 'local-cognito-old', 'other']);
  });

  it('names a new folder after this process, after sweeping', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(dir, `local-cognito-${dead}-abc`));
    const made = await makeDataDir(dir);
    expect(made).toMatch(new RegExp(`local-cognito-${process.pid}-\\w+$`));
    expect(readdirSync(dir)).toEqual([made.split('/').pop()]);
  });
});
