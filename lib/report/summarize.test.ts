import { summarize, errorBudget, type ReportInput } from './summarize';
import type { RunRecord } from './model';

const run = (over: Partial<RunRecord> & Pick<RunRecord, 'runId' | 'startedAt' | 'status'>): RunRecord => ({
  kind: 'signin',
  targetName: 'shop',
  ...over,
});
const waited = (ms: number) => [
  { name: 'StartSignIn', ms: 800 },
  { name: 'AwaitSignInCode', ms },
];

/**
 * Hand-checked: the sign-in check on `shop` (no Region recorded: the stack's, us-east-1) has five
 * decided checks over 8 runs: r1, r2 and r5 pass; r3 fails twice (one check, SmsCodeNotReceived,
 * class sms); r4 fails and its retry passes (one passing check); r6 is still running.
 * Codes of passing runs waited 4000, 6000, 5000 (r4b) and 2000 ms: sorted 2000 4000 5000 6000, so
 * the nearest-rank p50 is the 2nd (4000) and p95/p99 the 4th (6000).
 */
const RUNS: RunRecord[] = [
  run({ runId: 'r1', startedAt: '2026-07-08T10:00:00.000Z', status: 'PASS', steps: waited(4000) }),
  run({ runId: 'r2', startedAt: '2026-07-08T10:05:00.000Z', status: 'PASS', steps: waited(6000) }),
  run({
    runId: 'r3',
    startedAt: '2026-07-08T10:10:00.000Z',
    status: 'FAIL',
    reason: 'SmsCodeNotReceived',
    class: 'sms',
    attempt: 1,
    steps: waited(150000),
  }),
  run({
    runId: 'r3b',
    startedAt: '2026-07-08T10:11:00.000Z',
    status: 'FAIL',
    reason: 'SmsCodeNotReceived',
    class: 'sms',
    attempt: 2,
    retryOf: 'r3',
  }),
  run({ runId: 'r4', startedAt: '2026-07-09T10:00:00.000Z', status: 'FAIL', reason: 'NotAuthorized', class: 'pool', attempt: 1 }),
  run({ runId: 'r4b', startedAt: '2026-07-09T10:01:00.000Z', status: 'PASS', attempt: 2, retryOf: 'r4', steps: waited(5000) }),
  run({ runId: 'r5', startedAt: '2026-07-09T11:00:00.000Z', status: 'PASS', steps: waited(2000) }),
  run({ runId: 'r6', startedAt: '2026-07-09T23:59:00.000Z', status: 'RUNNING' }),
  // Before the window: not read.
  run({ runId: 'old', startedAt: '2026-06-01T00:00:00.000Z', status: 'FAIL', reason: 'Throttled' }),
  // A record written before kinds, classes and Regions of its own... here in eu-west-1.
  { runId: 's1', targetName: 'shop', region: 'eu-west-1', startedAt: '2026-07-09T12:00:00.000Z', status: 'FAIL', reason: 'ExpiredCode' },
];

const to = new Date('2026-07-10T00:00:00.000Z');
const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  runs: RUNS,
  since: '30d',
  from: new Date(to.getTime() - 30 * 86_400_000),
  to,
  defaultRegion: 'us-east-1',
  objectives: [{ at: 'checks.yml default[0] (signin)', kind: 'signin', slo: 80 }],
  ...over,
});

describe('summarize', () => {
  const report = summarize(input());
  const signin = report.kinds.find((k) => k.kind === 'signin')!;
  const signup = report.kinds.find((k) => k.kind === 'signup')!;

  it('groups by kind, target and Region (absent kind: signup; absent Region: the stack’s)', () => {
    expect(report.kinds.map((k) => [k.kind, k.target, k.region])).toEqual([
      ['signin', 'shop', 'us-east-1'],
      ['signup', 'shop', 'eu-west-1'],
    ]);
    expect(report.runs).toBe(9);
  });

  it('counts a chain of attempts once, decided by its last attempt; running checks are left out', () => {
    expect(signin).toMatchObject({ runs: 8, checks: 5, passed: 4, failed: 1, retried: 2, running: 1, availability: 0.8 });
  });

  it('takes time to SMS from the Await…Code steps of passing runs (nearest rank)', () => {
    expect(signin.timeToSmsMs).toEqual({ p50: 4000, p95: 6000, p99: 6000, samples: 4 });
    expect(signin.stepsMs.StartSignIn).toEqual({ runs: 5, p50: 800, p95: 800 });
    // r3's wait ran to its timeout (150 s): a step duration, not a time to SMS.
    expect(signin.stepsMs.AwaitSignInCode).toEqual({ runs: 5, p50: 5000, p95: 150000 });
  });

  it('counts failed checks by their last attempt’s reason and class; records without a class are unclassified', () => {
    expect(signin.failuresByReason).toEqual({ SmsCodeNotReceived: 1 });
    expect(signin.failuresByClass).toEqual({ sms: 1 });
    expect(signup.failuresByReason).toEqual({ ExpiredCode: 1 });
    expect(signup.failuresByClass).toEqual({ unclassified: 1 });
    expect(report.failuresByReason).toEqual({ SmsCodeNotReceived: 1, ExpiredCode: 1 });
  });

  it('spends the error budget against the check’s objective from checks.yml, else 99.5', () => {
    // 5 checks at 80%: 1 failure allowed, 1 used.
    expect(signin.errorBudget).toEqual({
      objective: 80,
      objectiveFrom: 'checks.yml default[0] (signin)',
      allowedFailures: 1,
      failures: 1,
      remaining: 0,
      remainingFraction: 0,
    });
    // 1 check at 99.5%: 0.005 failures allowed, 1 used: 199 budgets overspent.
    expect(signup.errorBudget).toMatchObject({ objective: 99.5, objectiveFrom: 'default', failures: 1 });
    expect(signup.errorBudget.allowedFailures).toBeCloseTo(0.005, 10);
    expect(signup.errorBudget.remainingFraction).toBeCloseTo(-199, 6);
  });

  it('buckets the series by the hour over a day and a half of runs, each check in its first attempt’s bucket', () => {
    expect(report.bucket).toBe('1h');
    expect(signin.series.map((b) => [b.start, b.checks, b.passed, b.availability, b.timeToSmsMs.p50])).toEqual([
      ['2026-07-08T10:00:00.000Z', 3, 2, 2 / 3, 4000],
      ['2026-07-09T10:00:00.000Z', 1, 1, 1, 5000],
      ['2026-07-09T11:00:00.000Z', 1, 1, 1, 2000],
      ['2026-07-09T23:00:00.000Z', 0, 0, null, null],
    ]);
    expect(report.series.map((b) => b.checks)).toEqual([3, 1, 1, 1, 0]);
  });

  it('says what it has: still running, unclassified failures', () => {
    expect(report.notes).toEqual([
      '1 check is still running and not counted.',
      '1 failed check was recorded before failure classes: unclassified.',
    ]);
    expect(report).toMatchObject({ since: '30d', from: '2026-06-10T00:00:00.000Z', to: '2026-07-10T00:00:00.000Z' });
  });

  it('buckets by day over more than two days', () => {
    const days = summarize(
      input({
        runs: [0, 1, 2, 3].map((d) =>
          run({ runId: `d${d}`, startedAt: new Date(Date.UTC(2026, 6, 5 + d, 12)).toISOString(), status: 'PASS' }),
        ),
      }),
    );
    expect(days.bucket).toBe('1d');
    expect(days.series.map((b) => b.start)).toEqual([
      '2026-07-05T00:00:00.000Z',
      '2026-07-06T00:00:00.000Z',
      '2026-07-07T00:00:00.000Z',
      '2026-07-08T00:00:00.000Z',
    ]);
  });

  it('an empty table: no kinds, and a note saying so', () => {
    const empty = summarize(input({ runs: [] }));
    expect(empty).toMatchObject({ runs: 0, kinds: [], series: [], failuresByReason: {}, oldestRunAt: null });
    expect(empty.notes).toEqual([
      'The runs table holds no run records from 2026-06-10T00:00:00.000Z to 2026-07-10T00:00:00.000Z (each is kept 30 days).',
    ]);
  });

  it('--target keeps one target’s runs, and names the others when it has none', () => {
    expect(summarize(input({ target: 'shop' })).runs).toBe(9);
    const none = summarize(input({ target: 'blog', runs: RUNS.slice(0, 2) }));
    expect(none.kinds).toEqual([]);
    expect(none.notes[0]).toBe(
      'No runs of target blog from 2026-06-10T00:00:00.000Z to 2026-07-10T00:00:00.000Z; the window holds 2 runs of other targets: shop.',
    );
  });

  it('a window longer than retention says what the table still holds', () => {
    const long = summarize(input({ since: '90d', from: new Date(to.getTime() - 90 * 86_400_000) }));
    expect(long.notes).toContain(
      'Run records are kept 30 days, so --since 90d reaches past them: the oldest run read is from 2026-06-01T00:00:00.000Z.',
    );
    expect(long.runs).toBe(10);
  });
});

describe('errorBudget', () => {
  it('allows checks × (100 − objective) / 100 failures', () => {
    expect(errorBudget(200, 0, 99.5, 'default')).toMatchObject({ allowedFailures: 1, remaining: 1, remainingFraction: 1 });
    expect(errorBudget(400, 1, 99.5, 'default')).toMatchObject({ allowedFailures: 2, remaining: 1, remainingFraction: 0.5 });
    expect(errorBudget(0, 0, 99.5, 'default')).toMatchObject({ allowedFailures: 0, remainingFraction: null });
  });
});
