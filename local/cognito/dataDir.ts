import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'local-cognito-';

/** True while a process with this pid exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A fresh data folder for cognito-local, named after this process. A local cloud killed hard
 * (SIGKILL, a CI timeout) runs no clean-up, so the next one removes the folders of processes that
 * are gone: nothing piles up in the temp folder.
 */
export async function makeDataDir(dir = tmpdir()): Promise<string> {
  await removeStaleDataDirs(dir);
  return mkdtemp(join(dir, `${PREFIX}${process.pid}-`));
}

/** Removes `local-cognito-<pid>-*` folders whose process no longer runs; returns their names. */
export async function removeStaleDataDirs(dir = tmpdir()): Promise<string[]> {
  const stale = (await readdir(dir).catch(() => [] as string[])).filter((name) => {
    const pid = /^local-cognito-(\d+)-/.exec(name)?.[1];
    return pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
  });
  await Promise.all(stale.map((name) => rm(join(dir, name), { recursive: true, force: true })));
  return stale;
}
