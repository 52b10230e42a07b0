import { byRegion, withTargetRegions, type RunSummary } from '../../cli/history';

/** `cogcheck status` groups runs by the Region of the pool each checked (issue 19, item 2). */
const run = (runId: string, verdict: RunSummary['verdict'], extra: Partial<RunSummary> = {}): RunSummary => ({
  runId,
  status: verdict === 'PASS' ? 'SUCCEEDED' : verdict === 'RUNNING' ? 'RUNNING' : 'FAILED',
  verdict,
  ...extra,
});

describe('status by Region', () => {
  it('fills the Region of runs started by target name from its record, once per name, and groups with a success rate each', async () => {
    const asked: string[] = [];
    const runs = await withTargetRegions(
      [
        run('a', 'PASS', { region: 'us-east-1' }),
        run('b', 'FAIL', { target: 'ShopEu' }),
        run('c', 'PASS', { target: 'ShopEu' }),
        run('d', 'FAIL', { target: 'Gone' }),
        run('e', 'RUNNING', { region: 'us-east-1' }),
      ],
      async (name) => {
        asked.push(name);
        return name === 'ShopEu' ? 'eu-west-1' : undefined;
      },
    );
    expect(asked.sort()).toEqual(['Gone', 'ShopEu']);
    expect(runs.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1', 'eu-west-1', undefined, 'us-east-1']);
    expect(byRegion(runs)).toEqual({
      'eu-west-1': { runs: 2, successRate: 0.5 },
      unknown: { runs: 1, successRate: 0 },
      'us-east-1': { runs: 2, successRate: 1 },
    });
  });
});
