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

/** What one verify execution ending at `at` publishes: its AWS/States count and time, and the EMF checker count. */
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
      kind: 'math',
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      actionsEnabled: true,
    });
    expect(byName('CheckFailingAlarm').queries.map((q) => `${q.id}=${q.metric.metricName}/${q.stat}`)).toEqual([
      'failed=ExecutionsFailed/Sum',
      'timedOut=ExecutionsTimedOut/Sum',
      'aborted=ExecutionsAborted/Sum',
      'checker=CheckerFailures/Sum',
    ]);
    expect(byName('CheckFailingAlarm').queries[0].metric.dimensions).toEqual({ StateMachineArn: VERIFY });
    expect(byName('SlowCheckAlarm')).toMatchObject({
      kind: 'metric',
      queries: [{ stat: 'p90' }],
      threshold: 120_000,
      comparisonOperator: 'GreaterThanThreshold',
    });
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

describe('CheckFailingAlarm (2 of 3 five-minute periods, failures + timeouts + aborts - checker failures)', () => {
  it('one failed check does not alarm', () => {
    const samples = schedule((s) => (s === T0 ? execution(s + 40 * SEC, 'Failed') : null));
    const tl = evaluateAlarm(byName('CheckFailingAlarm'), samples, span);
    expect(firstAlarmAfter(tl, span.from)).toBeNull();
    expect(tl.state).toBe('OK');
  });

  it('two consecutive failed checks alarm a minute after the second ends, and it pages', () => {
    const samples = schedule((s) => (s === T0 || s === T0 + 5 * MIN ? execution(s + 40 * SEC, 'Failed') : null));
    const tl = evaluateAlarm(byName('CheckFailingAlarm'), samples, span);
    // Second failure ends 12:05:40; the first evaluation whose two most recent windows hold both is 12:06.
    expect(firstAlarmAfter(tl, span.from)).toBe(T0 + 6 * MIN);
    // Back to OK once the first failure leaves the 3 windows (12:00:40 + 15 min).
    expect(stateAt(tl, T0 + 15 * MIN)).toBe('ALARM');
    expect(stateAt(tl, T0 + 16 * MIN)).toBe('OK');
    expect(pagesOf(alarms, [tl])).toEqual([{ alarm: 'CheckFailingAlarm', at: T0 + 6 * MIN }]);
  });

  it('a failure and a timeout in consecutive periods add up (FILL makes a period with only one of them count)', () => {
    const samples = schedule((s) =>
      s === T0 ? execution(s + 40 * SEC, 'Failed') : s === T0 + 5 * MIN ? execution(s + 40 * SEC, 'TimedOut') : null,
    );
    expect(firstAlarmAfter(evaluateAlarm(byName('CheckFailingAlarm'), samples, span), span.from)).toBe(T0 + 6 * MIN);
  });

  it('failed checks that are checker failures are subtracted: no page, the warning alarm fires instead', () => {
    const samples = schedule((s) => (s === T0 || s === T0 + 5 * MIN ? execution(s + 40 * SEC, 'Failed', { checker: true }) : null));
    expect(firstAlarmAfter(evaluateAlarm(byName('CheckFailingAlarm'), samples, span), span.from)).toBeNull();
    const warning = evaluateAlarm(byName('CheckerFailingAlarm'), samples, span);
    expect(firstAlarmAfter(warning, span.from)).toBe(T0 + 1 * MIN);
    // It notifies the same topic, so it is a page unless the caller names it a warning, as its description does.
    expect(byName('CheckerFailingAlarm').description).toMatch(/^WARNING \(not a page\)/);
    expect(pagesOf(alarms, [warning], { exclude: ['CheckerFailingAlarm'] })).toEqual([]);
  });

  it('a checker failure counted just before a period boundary and its execution ending just after never makes two breaching periods', () => {
    // The -1 and +1 land in two windows at some evaluations: one breaching datapoint at most, below DatapointsToAlarm 2.
    const samples = schedule((s) =>
      s === T0 || s === T0 + 5 * MIN ? execution(s + 5 * MIN + 100, 'Failed', { checker: true, checkerAt: s + 5 * MIN - 100 }) : null,
    );
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

describe('SlowCheckAlarm (p90 ExecutionTime > 120 s in 2 of 3 periods)', () => {
  it('one slow check does not alarm; two consecutive ones do', () => {
    const one = schedule((s) => (s === T0 ? execution(s + 130 * SEC, 'Succeeded', { durationMs: 130_000 }) : null));
    expect(firstAlarmAfter(evaluateAlarm(byName('SlowCheckAlarm'), one, span), span.from)).toBeNull();
    const two = schedule((s) => (s === T0 || s === T0 + 5 * MIN ? execution(s + 130 * SEC, 'Succeeded', { durationMs: 130_000 }) : null));
    expect(firstAlarmAfter(evaluateAlarm(byName('SlowCheckAlarm'), two, span), span.from)).toBe(T0 + 8 * MIN);
  });
});
