import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/serverlessConfig';
import { runTsx } from './runTsx';

/**
 * A local cloud started in the bench's process rewrites process.env (POWERTOOLS_LOG_LEVEL=SILENT,
 * its emulators' endpoints); the bench's children must start from the environment the bench was
 * started with, or checkCounts counts 0 log bytes (issue 20).
 */
it("gives a child the environment this process started with, not what was set in it since (a local cloud's)", async () => {
  const script = join(mkdtempSync(join(tmpdir(), 'run-tsx-')), 'env.ts');
  writeFileSync(script, 'process.stdout.write(JSON.stringify({ set: process.env.SET_AFTER_LOAD ?? null, ci: process.env.CI }));\n');
  process.env.SET_AFTER_LOAD = 'SILENT';
  try {
    const run = await runTsx(PROJECT_ROOT, script);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ set: null, ci: 'true' });
  } finally {
    delete process.env.SET_AFTER_LOAD;
  }
}, 30_000);
