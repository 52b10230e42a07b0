/**
 * The stack's own alarms, read from the packaged template (`sls package --stage ci`) and evaluated
 * over the samples a schedule of checks would produce: what issue 18's simulation relies on.
 * The evaluator's rules themselves are checked against CloudWatch's documented tables in
 * scripts/simulate/alarms/missingData.test.ts.
 */
import {
  type AlarmDefinition,
  evaluateAlarm,
  firstAlarmAfter,
  pagesOf,
  readAlarms,
  type Sample,
  SampleIndex,
  stateAt,
} from '../../scripts/simulate/alarms';
import { packageOffline, TEMPLATE_PATH } from './template';

const MIN = 60_000;
const SEC = 1000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const VERIFY = 'arn:aws:states:us-east-1:123456789012:stateMachine:verify';
const SERVICE = { service: 'cognito-sms-mfa' };

let alarms: AlarmDefinition[];
const byName = (name: string): AlarmDefinition => alarms.find((a) => a.name === name)!;

beforeAll(() => {
  alarms = readAlarms(packageOffline(), { refs: { VerifyStateMachine: VERIFY } });
}, 240_000);

/**
 * What one verify execution ending at `at` publishes: its AWS/States count and time, and the EMF
 * count of its confirmed failure: CheckerFailures for a checker failure, else FailedChecks (a pool or
 * sms failure, written by the state that ends the execution, a moment before its end).
 */
function execution(
  at: number,
  outcome: 'Succeeded' | 'Failed' | 'TimedOut',
  opts: { durationMs?: number; checker?: boolean; checkerAt?: number } = {},
): Sample[] {
  const dims = { StateMachineArn: VERIFY };
  const out: Sample[] = [
    { namespace: 'AWS/States', metricName: `Executions${outcome}`, dimensions: dims, at, value: 1 },
    { namespace: 'AWS/States', metricName: 'ExecutionTime', dimensions: dims, at, value: opts.durationMs ?? 40_000 },
  ];
  if (outcome === 'Failed' && !opts.checker)
    out.push({ namespace: 'CognitoSmsMfaCheck', metricName: 'FailedChecks', dimensions: SERVICE, at: at - 50, value: 1 });
  if (opts.checker)
    out.push({
      namespace: 'CognitoSmsMfaCheck',
      metricName: 'CheckerFailures',
      dimensions: SERVICE,
      at: opts.checkerAt ?? at - 50,
      value: 1,
    });
  return out;
}

/** A check every 5 minutes from T0 - 2 h to T0 + 2 h, passing in 40 s unless `outcomeOf` says otherwise. */
function schedule(outcomeOf: (start: number) => ReturnType<typeof execution> | null): SampleIndex {
  const samples = new SampleIndex();
  for (let start = T0 - 120 * MIN; start < T0 + 120 * MIN; start += 5 * MIN)
    for (const s of outcomeOf(start) ?? execution(start + 40 * SEC, 'Succeeded')) samples.add(s);
  return samples;
}
const span = { from: T0 - 60 * MIN, to: T0 + 120 * MIN };

describe('the packaged alarms', () => {
  it('are read with their evaluation settings', () => {
    // The template file's path reads the same as the object packageOffline returned.
    expect(readAlarms(TEMPLATE_PATH, { refs: { VerifyStateMachine: VERIFY } })).toEqual(alarms);
    expect(alarms.map((a) => a.name).sort()).toEqual([
      'CheckFailingAlarm',
      'CheckerFailingAlarm',
      'NoSuccessfulCheckAlarm',
      'SlowCheckAlarm',
    ]);
    expect(byName('CheckFailingAlarm')).toMatchObject({
      kind: 'metric',
      periodSeconds: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      actionsEnabled: true,
    });
    expect(byName('CheckFailingAlarm').queries.map((q) => `${q.metric.metricName}/${q.stat}`)).toEqual(['FailedChecks/Sum']);
    expect(byName('CheckFailingAlarm').queries[0].metric.dimensions).toEqual(SERVICE);
    expect(byName('SlowCheckAlarm')).toMatchObject({
      kind: 'metric',
      queries: [{ stat: 'p90' }],
      threshold: 120_000,
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    expect(byName('SlowCheckAlarm').description).toMatch(/^WARNING \(not a page\)/);
    // The ci stage enables no check (checks.yml), so plugins/checks.js leaves the no-success alarm silent.
    expect(byName('NoSuccessfulCheckAlarm')).toMatchObject({
      periodSeconds: 1800,
      evaluationPeriods: 1,
      treatMissingData: 'breaching',
      actionsEnabled: false,
    });
    expect(byName('CheckerFailingAlarm')).toMatchObject({ evaluationPeriods: 1, datapointsToAlarm: 1, actionsEnabled: true });
  });
});

describe('CheckFailingAlarm (1 of 2 five-minute periods, confirmed pool and sms failures: FailedChecks)', () => {
  it('one confirmed failed check pages a minute after it ends (its re-runs confirmed it), and clears once checks pass again', () => {
    const samples = schedule((s) => (s === T0 ? execution(s + 40 * SEC, 'Failed') : null));
    const tl = evaluateAlarm(byName('CheckFailingAlarm'), samples, span);
    // The failure ends 12:00:40; the first evaluation whose newest window holds it is 12:01.
    expect(firstAlarmAfter(tl, span.from)).toBe(T0 + 1 * MIN);
    expect(pagesOf(alarms, [tl])).toEqual([{ alarm: 'CheckFailingAlarm', at: T0 + 1 * MIN }]);
    expect(stateAt(tl, T0 + 10 * MIN)).toBe('ALARM');
    expect(tl.state).toBe('OK');
  });

  it('an outage whose checks run longer than the cadence (a lost SMS waited out three times) pages once, not at every gap', () => {
    // Each failing check takes ~8.5 min (3 × 120 s waits, 2 × 60 s holds) and the next waits for the phone:
    // their ends are 8.5 min apart, wider than one period.
    const ends = [0, 1, 2, 3].map((i) => T0 + (8.5 * i + 8.5) * MIN);
    const samples = schedule((s) => (s >= T0 && s < T0 + 35 * MIN ? [] : null));
    for (const at of ends) for (const sample of execution(at, 'Failed', { durationMs: 510_000 })) samples.add(sample);
    const tl = evaluateAlarm(byName('CheckFailingAlarm'), samples, span);
    expect(pagesOf(alarms, [tl])).toEqual([{ alarm: 'CheckFailingAlarm', at: T0 + 9 * MIN }]);
  });

  it('checker failures never page, even when the count and the execution end fall in two windows: the warning alarm fires instead', () => {
    // Formerly ExecutionsFailed less CheckerFailures: a window holding the end but not the count read +1.
    const samples = schedule((s) =>
      s === T0 || s === T0 + 5 * MIN ? execution(s + 5 * MIN + 100, 'Failed', { checker: true, checkerAt: s + 5 * MIN - 100 }) : null,
    );
    expect(firstAlarmAfter(evaluateAlarm(byName('CheckFailingAlarm'), samples, span), span.from)).toBeNull();
    const warning = evaluateAlarm(byName('CheckerFailingAlarm'), samples, span);
    expect(firstAlarmAfter(warning, span.from)).toBe(T0 + 5 * MIN);
    // It notifies the same topic, so it is a page unless the caller names it a warning, as its description does.
    expect(byName('CheckerFailingAlarm').description).toMatch(/^WARNING \(not a page\)/);
    expect(pagesOf(alarms, [warning], { exclude: ['CheckerFailingAlarm'] })).toEqual([]);
  });

  it("a check that timed out is the checker's (class checker): no page", () => {
    const samples = schedule((s) => (s === T0 ? execution(s + 40 * SEC, 'TimedOut', { checker: true }) : null));
    expect(firstAlarmAfter(evaluateAlarm(byName('CheckFailingAlarm'), samples, span), span.from)).toBeNull();
  });
});

describe('NoSuccessfulCheckAlarm (30-minute period, missing data breaching)', () => {
  // From T0 every check fails: AWS/States publishes no ExecutionsSucceeded at all, so the periods are missing.
  const samples = () => schedule((s) => (s >= T0 ? execution(s + 40 * SEC, 'Failed') : null));
  const lastSuccess = T0 - 5 * MIN + 40 * SEC;

  it('alarms once no success is left in its evaluation range (EvaluationPeriods + 2 = 3 periods), not when one period is empty', () => {
    const tl = evaluateAlarm(byName('NoSuccessfulCheckAlarm'), samples(), { from: T0 - 60 * MIN, to: T0 + 120 * MIN });
    expect(stateAt(tl, lastSuccess + 60 * MIN)).toBe('OK');
    expect(firstAlarmAfter(tl, T0)).toBe(Math.ceil((lastSuccess + 90 * MIN + 1) / MIN) * MIN);
    // ActionsEnabled is false on a stage with no enabled check: it changes state but pages no one.
    expect(pagesOf(alarms, [tl])).toEqual([]);
  });

  it('with an evaluation range of exactly one period it alarms 30 minutes after the last success', () => {
    const tl = evaluateAlarm(byName('NoSuccessfulCheckAlarm'), samples(), {
      from: T0 - 60 * MIN,
      to: T0 + 120 * MIN,
      evaluationRange: (a) => a.evaluationPeriods,
    });
    expect(firstAlarmAfter(tl, T0)).toBe(Math.ceil((lastSuccess + 30 * MIN + 1) / MIN) * MIN);
  });
});

describe('SlowCheckAlarm (a warning: p90 ExecutionTime > 120 s in 3 periods in a row)', () => {
  const slowAt = (starts: number[]) =>
    schedule((s) => (starts.includes(s) ? execution(s + 130 * SEC, 'Succeeded', { durationMs: 130_000 }) : null));

  it('one or two slow checks (a lost SMS re-run) do not warn; three in a row do', () => {
    expect(firstAlarmAfter(evaluateAlarm(byName('SlowCheckAlarm'), slowAt([T0]), span), span.from)).toBeNull();
    expect(firstAlarmAfter(evaluateAlarm(byName('SlowCheckAlarm'), slowAt([T0, T0 + 5 * MIN]), span), span.from)).toBeNull();
    const three = evaluateAlarm(byName('SlowCheckAlarm'), slowAt([T0, T0 + 5 * MIN, T0 + 10 * MIN]), span);
    // Their ends 12:02:10, 12:07:10, 12:12:10: the first evaluation with one in each of 3 windows is 12:13.
    expect(firstAlarmAfter(three, span.from)).toBe(T0 + 13 * MIN);
    expect(pagesOf(alarms, [three], { exclude: ['CheckerFailingAlarm', 'SlowCheckAlarm'] })).toEqual([]);
  });
});
