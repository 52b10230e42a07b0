import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_REASONS } from './classify';

/**
 * Every failure reason a run can end with has a row in the README's runbook, and the runbook names
 * no reason the code cannot produce: an operator looks up the reason a failed check printed there.
 */
function runbookReasons(readme: string): string[] {
  const start = readme.indexOf('## Runbook: failure reasons');
  if (start < 0) throw new Error('README has no "## Runbook: failure reasons" section');
  const next = readme.indexOf('\n#', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  // A row's first cell names one reason or several (`TimedOut` / `Aborted`).
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('README runbook: failure reasons', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const documented = runbookReasons(readme);

  it('has one row for each failure reason, and none for a reason the code does not have', () => {
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...FAILURE_REASONS].sort());
  });

  it('reads the table: a reason missing from it is seen', () => {
    const without = readme.replace(/^\| `PhoneBusy` \|.*\n/m, '');
    expect(runbookReasons(without)).not.toContain('PhoneBusy');
    expect(runbookReasons(without)).toHaveLength(documented.length - 1);
  });
});
