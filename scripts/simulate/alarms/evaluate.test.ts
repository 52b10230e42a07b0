import { ValidationError } from '../../../lib/errors';
import {
  type AlarmDefinition,
  evaluateAlarm,
  evaluateAlarms,
  evaluateExpression,
  firstAlarmAfter,
  pagesOf,
  parseExpression,
  readAlarms,
  SampleIndex,
  stateAt,
  statistic,
  windowValue,
} from './index';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseExpression and evaluateExpression', () => {
  const stack = 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0) - FILL(checker, 0)';
  const values = (v: Record<string, number>) => (id: string) => v[id];

  it("reads the stack's CheckFailingAlarm expression, left to right", () => {
    expect(evaluateExpression(parseExpression(stack), values({ failed: 2, aborted: 1, checker: 1 }))).toBe(2);
    expect(evaluateExpression(parseExpression(stack), values({}))).toBe(0);
    expect(evaluateExpression(parseExpression(stack), values({ checker: 1 }))).toBe(-1);
  });

  it('a sum with a missing term has no value; FILL gives it one', () => {
    expect(evaluateExpression(parseExpression('a + b'), values({ a: 1 }))).toBeUndefined();
    expect(evaluateExpression(parseExpression('a + FILL(b, 5)'), values({ a: 1 }))).toBe(6);
    expect(evaluateExpression(parseExpression('FILL(a, -1)'), values({}))).toBe(-1);
  });

  it('numbers, unary minus and parentheses: a - (b - 2) is not a - b - 2', () => {
    expect(evaluateExpression(parseExpression('a - (b - 2)'), values({ a: 10, b: 3 }))).toBe(9);
    expect(evaluateExpression(parseExpression('a - b - 2'), values({ a: 10, b: 3 }))).toBe(5);
    expect(evaluateExpression(parseExpression('-a + 1.5'), values({ a: 1 }))).toBe(0.5);
  });

  it.each([
    ['SUM(METRICS())', /function SUM is not supported/],
    ['m1 * 2', /operator "\*"/],
    ['m1 / m2', /operator "\/"/],
    ['FILL(m1, REPEAT)', /FILL with REPEAT is not supported/],
    ['FILL(m1, m2)', /FILL with m2 is not supported/],
    ['IF(m1 > 0, 1, 0)', /function IF is not supported/],
    ['m1 +', /unexpected end/],
    ['(m1', /expected "\)"/],
    ['m1 m2', /unexpected text/],
  ])('refuses %s by name', (text, message) => {
    expect(() => parseExpression(text, 'X.Expression')).toThrow(message);
    expect(() => parseExpression(text, 'X.Expression')).toThrow(ValidationError);
  });
});

describe('statistic', () => {
  it('no values: no datapoint, not 0', () => expect(statistic('Sum', [])).toBeUndefined());
  it('Sum, SampleCount, Average, Minimum, Maximum', () => {
    expect([statistic('Sum', [1, 2, 3]), statistic('SampleCount', [1, 2, 3]), statistic('Average', [1, 2, 3])]).toEqual([6, 3, 2]);
    expect([statistic('Minimum', [4, 2, 9]), statistic('Maximum', [4, 2, 9])]).toEqual([2, 9]);
  });
  it('p90 by nearest rank: of 1..10, 9; of one value, that value; of 20 values, the 18th', () => {
    expect(statistic('p90', [10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toBe(9);
    expect(statistic('p90', [42])).toBe(42);
    expect(
      statistic(
        'p90',
        Array.from({ length: 20 }, (_, i) => i + 1),
      ),
    ).toBe(18);
  });
});

function alarm(props: Record<string, unknown>, name = 'A'): AlarmDefinition {
  return readAlarms({ Resources: { [name]: { Type: 'AWS::CloudWatch::Alarm', Properties: props } } })[0];
}
const single = {
  Namespace: 'NS',
  MetricName: 'Errors',
  Statistic: 'Sum',
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
  AlarmActions: ['topic'],
};

describe('readAlarms', () => {
  it('defaults as CloudFormation documents them: DatapointsToAlarm = EvaluationPeriods, TreatMissingData missing, ActionsEnabled true', () => {
    const a = alarm({ ...single, EvaluationPeriods: 3, TreatMissingData: undefined });
    expect(a).toMatchObject({
      datapointsToAlarm: 3,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      actionsEnabled: true,
      kind: 'metric',
    });
  });

  it('a Ref in a dimension value is the logical id, or the value given for it', () => {
    const props = { ...single, Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'Verify' } }] };
    expect(alarm(props).queries[0].metric.dimensions).toEqual({ StateMachineArn: 'Verify' });
    const [a] = readAlarms({ Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: props } } }, { refs: { Verify: 'arn:sm' } });
    expect(a.queries[0].metric.dimensions).toEqual({ StateMachineArn: 'arn:sm' });
  });

  it('ExtendedStatistic p90 is the statistic', () => {
    expect(alarm({ ...single, Statistic: undefined, ExtendedStatistic: 'p90' }).queries[0].stat).toBe('p90');
  });

  it.each([
    [{ Period: '${param:alarmPeriodSeconds}' }, /A\.Period: must be a positive integer/],
    [
      { ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' },
      /A\.ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold is not supported/,
    ],
    [{ TreatMissingData: 'zero' }, /A\.TreatMissingData: zero is not one of/],
    [{ Statistic: 'tm90' }, /A\.Statistic: statistic tm90 is not supported/],
    [{ DatapointsToAlarm: 2 }, /A\.DatapointsToAlarm: 2 exceeds EvaluationPeriods 1/],
    [{ Dimensions: [{ Name: 'X', Value: { 'Fn::GetAtt': ['R', 'Arn'] } }] }, /A\.Dimensions\[0\]\.Value: dimension value/],
  ])('refuses %j naming the field', (override, message) => {
    expect(() => alarm({ ...single, ...override })).toThrow(message);
  });

  it('metric math: refuses an expression reading an id that is no MetricStat, naming the entry', () => {
    const props = {
      ...single,
      Namespace: undefined,
      Metrics: [
        { Id: 'e', Expression: 'FILL(m1, 0) + m2', ReturnData: true },
        { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: 'NS', MetricName: 'A' }, Period: 60, Stat: 'Sum' } },
      ],
    };
    expect(() => alarm(props)).toThrow(/A\.Metrics\[0\]\.Expression: reads m2/);
  });
});

describe('evaluateAlarm over time', () => {
  const errors = (at: number, value = 1) => ({ namespace: 'NS', metricName: 'Errors', at, value });

  it('is evaluated every minute on the window ending then: a sample at 12:02:30 breaches at 12:03, not before', () => {
    const tl = evaluateAlarm(alarm(single), new SampleIndex([errors(T0 + 2.5 * MIN)]), { from: T0, to: T0 + 10 * MIN });
    expect(tl.transitions.map((t) => [t.to, (t.at - T0) / MIN])).toEqual([
      ['OK', 0],
      ['ALARM', 3],
    ]);
  });

  it('after the metric stops, the last real datapoint is evaluated again while it is in the evaluation range (EvaluationPeriods + 2 periods)', () => {
    // 1 of 1, notBreaching: the breaching 12:02:30 datapoint stays the most recent real one until it leaves the 3-period range.
    const tl = evaluateAlarm(alarm(single), new SampleIndex([errors(T0 + 2.5 * MIN)]), { from: T0, to: T0 + 30 * MIN });
    expect(tl.transitions.map((t) => [t.to, (t.at - T0) / MIN])).toEqual([
      ['OK', 0],
      ['ALARM', 3],
      ['OK', 18],
    ]);
    // With a range of exactly EvaluationPeriods the missing period is filled as notBreaching at once.
    const short = evaluateAlarm(alarm(single), new SampleIndex([errors(T0 + 2.5 * MIN)]), {
      from: T0,
      to: T0 + 30 * MIN,
      evaluationRange: (a) => a.evaluationPeriods,
    });
    expect(short.transitions.map((t) => [t.to, (t.at - T0) / MIN])).toEqual([
      ['OK', 0],
      ['ALARM', 3],
      ['OK', 8],
    ]);
  });

  it('samples out of order, Dates and other dimension sets: only the exact metric counts', () => {
    const samples = new SampleIndex([
      errors(T0 + 4 * MIN),
      { ...errors(T0 + 1 * MIN), at: new Date(T0 + 1 * MIN) },
      { ...errors(T0 + 2 * MIN, 100), dimensions: { other: 'x' } },
    ]);
    expect(windowValue(alarm(single), samples, T0, T0 + 5 * MIN)).toBe(2);
  });

  it('an ingestion delay postpones what an evaluation sees', () => {
    const samples = new SampleIndex([errors(T0 + 2.5 * MIN)]);
    const tl = evaluateAlarm(alarm(single), samples, { from: T0, to: T0 + 10 * MIN, ingestionDelaySeconds: 120 });
    expect(firstAlarmAfter(tl, T0)).toBe(T0 + 5 * MIN);
  });

  it('firstAlarmAfter, stateAt and pagesOf: pages are transitions into ALARM of alarms with actions enabled', () => {
    const paging = alarm(single, 'Paging');
    const silent = alarm({ ...single, ActionsEnabled: false }, 'Silent');
    const noAction = alarm({ ...single, AlarmActions: undefined }, 'NoAction');
    const samples = new SampleIndex([errors(T0 + 2.5 * MIN), errors(T0 + 42.5 * MIN)]);
    const timelines = evaluateAlarms([paging, silent, noAction], samples, { from: T0, to: T0 + 60 * MIN });
    expect(firstAlarmAfter(timelines[0], T0 + 4 * MIN)).toBe(T0 + 43 * MIN);
    expect(firstAlarmAfter(timelines[0], T0 + 44 * MIN)).toBeNull();
    expect(stateAt(timelines[0], T0 + 10 * MIN)).toBe('ALARM');
    expect(stateAt(timelines[0], T0 + 30 * MIN)).toBe('OK');
    expect(timelines[1].transitions.filter((t) => t.to === 'ALARM')).toHaveLength(2);
    expect(pagesOf([paging, silent, noAction], timelines)).toEqual([
      { alarm: 'Paging', at: T0 + 3 * MIN },
      { alarm: 'Paging', at: T0 + 43 * MIN },
    ]);
    expect(pagesOf([paging, silent, noAction], timelines, { exclude: ['Paging'] })).toEqual([]);
  });

  it('a transition records the evaluation range it was decided on', () => {
    const tl = evaluateAlarm(alarm(single), new SampleIndex([errors(T0 + 2.5 * MIN)]), { from: T0 + 3 * MIN, to: T0 + 3 * MIN });
    expect(tl.transitions).toEqual([{ alarm: 'A', at: T0 + 3 * MIN, from: 'INSUFFICIENT_DATA', to: 'ALARM', datapoints: [null, null, 1] }]);
  });
});
