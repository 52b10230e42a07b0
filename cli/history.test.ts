import type { RunItem } from '../lib/runs/model';
import { attemptsOf } from './history';

const run = (runId: string, extra: Partial<RunItem> & { reason?: string }): RunItem =>
  ({ pk: `RUN#${runId}`, runId, status: 'FAIL', ...extra }) as RunItem;

describe('history: a check and its attempts (issue 18)', () => {
  it('lists every attempt from the first run record, linked, with class and late-code delay', async () => {
    const records = new Map<string, RunItem>([
      ['exec-1', run('exec-1', { attempt: 1, attempts: 2, reason: 'SmsLate', class: 'sms', smsLateByMs: 2100 })],
      ['exec-1-r2', run('exec-1-r2', { attempt: 2, retryOf: 'exec-1', status: 'PASS' })],
    ]);
    await expect(attemptsOf(async (id) => records.get(id), 'exec-1')).resolves.toEqual([
      { runId: 'exec-1', attempt: 1, verdict: 'FAIL', reason: 'SmsLate', class: 'sms', smsLateByMs: 2100 },
      { runId: 'exec-1-r2', attempt: 2, retryOf: 'exec-1', verdict: 'PASS' },
    ]);
  });

  it('takes an older record without attempt fields for a single first attempt, and no record for none', async () => {
    await expect(attemptsOf(async () => run('old', { reason: 'Throttled' }), 'old')).resolves.toEqual([
      { runId: 'old', attempt: 1, verdict: 'FAIL', reason: 'Throttled' },
    ]);
    await expect(attemptsOf(async () => undefined, 'gone')).resolves.toBeUndefined();
  });
});
