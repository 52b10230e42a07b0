import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startProcesses, type Started } from './harness';

/**
 * Two `npm start -- --keep-running` at once on one checkout (issue 20, item 4): the first keeps the
 * endpoints file, the second writes its own and prints the export line for it, and `cogcheck
 * --local` in each terminal (its environment as that terminal has it) reaches its own cloud.
 * Expensive (two clouds on this machine at once): one test does it all.
 */
const run = promisify(execFile);
const { start, endpointsFile } = startProcesses();

jest.setTimeout(420_000);

/** The terminal's `cogcheck status --local --json`, as a user runs it. */
async function cogcheckStatus(endpoints: string): Promise<string[]> {
  const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/cogcheck.ts', 'status', '--local', '--json'], {
    cwd: ROOT,
    env: { ...process.env, COGCHECK_LOCAL_ENDPOINTS: endpoints },
  });
  return (JSON.parse(stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId);
}

/** The run ids this cloud's fake phone saw, read from its own SMS inbox. */
async function inboxRunIds(s: Started): Promise<string[]> {
  const inbox = s.stdout().match(/^\s+SMS inbox\s+GET (http:\/\/127\.0\.0\.1:\d+\/sms)\?/m)![1]!;
  const sms = (await (await fetch(inbox)).json()) as { runId?: string }[];
  return [...new Set(sms.map((m) => m.runId!))];
}

it('each terminal`s cogcheck --local reaches its own cloud; each cloud removes only its own endpoints file', async () => {
  const clouds = [start(['--keep-running']), start(['--keep-running'])];
  await Promise.all(clouds.map((s) => s.waitFor(/Waiting for Ctrl-C/, 360_000)));
  const files = clouds.map((s) => s.stdout().match(/^\s+export COGCHECK_LOCAL_ENDPOINTS=(\S+)$/m)![1]!);
  // One keeps the usual file, whichever was first; the other says so and names its own.
  const second = files[0] === endpointsFile ? 1 : 0;
  const first = 1 - second;
  expect(files[first]).toBe(endpointsFile);
  expect(dirname(files[second]!)).toBe(dirname(endpointsFile));
  expect(basename(files[second]!)).toMatch(/^endpoints-\d+\.json$/);
  expect(clouds[second]!.stdout()).toMatch(
    /^Another local cloud \(process \d+\) keeps \S+endpoints\.json: cogcheck --local reaches that one$/m,
  );
  expect(clouds[first]!.stdout()).not.toMatch(/Another local cloud/);

  const statusRuns = await Promise.all(files.map(cogcheckStatus));
  const inboxRuns = await Promise.all(clouds.map(inboxRunIds));
  for (const i of [0, 1]) {
    expect(statusRuns[i]).toHaveLength(1);
    expect(statusRuns[i]).toEqual(inboxRuns[i]);
  }
  expect(statusRuns[0]).not.toEqual(statusRuns[1]);

  // Ctrl-C the first: the second's file stays (and the usual one goes); then the second.
  clouds[first]!.child.kill('SIGINT');
  expect((await clouds[first]!.exit).code).toBe(0);
  expect(existsSync(files[first]!)).toBe(false);
  expect(existsSync(files[second]!)).toBe(true);
  expect(await cogcheckStatus(files[second]!)).toEqual(statusRuns[second]);
  clouds[second]!.child.kill('SIGINT');
  expect((await clouds[second]!.exit).code).toBe(0);
  expect(existsSync(files[second]!)).toBe(false);
});
