/**
 * The evaluator against AWS's own examples, row by row: CloudWatch User Guide, "Configuring how
 * CloudWatch alarms treat missing data", section "How alarm state is evaluated when data is missing"
 * (its two tables) and "Avoiding premature transitions to alarm state":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 * (the same text was on AlarmThatSendsEmail.html#alarms-evaluating-missing-data before the guide was split).
 *
 * Notation as in the page: the evaluation range's 5 datapoints, oldest first; 0 not breaching,
 * X breaching, - missing. "Retain current state" is checked from both OK and ALARM.
 */
import { type AlarmState, type Breach, decideState, evaluateAlarm, SampleIndex, type TreatMissingData } from './index';
import type { AlarmDefinition } from './readAlarms';

type Expected = AlarmState | 'retain';
interface Row {
  points: string;
  missing: Expected;
  ignore: Expected;
  breaching: Expected;
  notBreaching: Expected;
}

const parse = (points: string): Breach[] =>
  points
    .trim()
    .split(/\s+/)
    .map((c) => (c === 'X' ? true : c === '0' || c === 'O' ? false : undefined));

// First table: Datapoints to Alarm 3, Evaluation Periods 3, evaluation range 5.
const threeOfThree: Row[] = [
  { points: '0 - X - X', missing: 'OK', ignore: 'OK', breaching: 'OK', notBreaching: 'OK' },
  { points: '0 - - - -', missing: 'OK', ignore: 'OK', breaching: 'OK', notBreaching: 'OK' },
  { points: '- - - - -', missing: 'INSUFFICIENT_DATA', ignore: 'retain', breaching: 'ALARM', notBreaching: 'OK' },
  { points: '0 X X - X', missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' },
  { points: '- - X - -', missing: 'ALARM', ignore: 'retain', breaching: 'ALARM', notBreaching: 'OK' },
];

// Second table: Datapoints to Alarm 2, Evaluation Periods 3 (2 out of 3), evaluation range 5.
const twoOfThree: Row[] = [
  { points: '0 - X - X', missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' },
  { points: '0 0 X 0 X', missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' },
  { points: '0 - X - -', missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' },
  { points: '- - - - 0', missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' },
  { points: '- - - X -', missing: 'ALARM', ignore: 'retain', breaching: 'ALARM', notBreaching: 'OK' },
];

const TREATMENTS: { column: keyof Omit<Row, 'points'>; treat: TreatMissingData }[] = [
  { column: 'missing', treat: 'missing' },
  { column: 'ignore', treat: 'ignore' },
  { column: 'breaching', treat: 'breaching' },
  { column: 'notBreaching', treat: 'notBreaching' },
];

const cases = (rows: Row[]) =>
  rows.flatMap((row) => TREATMENTS.map(({ column, treat }) => ({ points: row.points, treat, expected: row[column] })));

/** An alarm on a Sum ≥ 1, 5-minute periods: X is a period with a sample of 1, 0 one with a sample of 0. */
function alarmOf(m: number, n: number, treat: TreatMissingData): AlarmDefinition {
  return {
    name: 'DocAlarm',
    kind: 'metric',
    queries: [{ id: 'm', metric: { namespace: 'Doc', metricName: 'Errors', dimensions: {} }, stat: 'Sum', periodSeconds: 300 }],
    expression: { kind: 'ref', id: 'm' },
    expressionText: 'm',
    periodSeconds: 300,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: treat,
    actionsEnabled: true,
    alarmActions: 1,
  };
}

/** The state a single evaluation at T gives when the 5 periods before T hold the row's datapoints. */
function evaluateOverTime(points: string, m: number, n: number, treat: TreatMissingData, current: AlarmState): AlarmState {
  const T = Date.UTC(2026, 0, 1, 12, 0, 0);
  const samples = new SampleIndex();
  parse(points).forEach((p, i) => {
    const periodStart = T - (5 - i) * 300_000;
    // Mid-period timestamps, several samples: the Sum is what is compared.
    if (p === true) samples.add({ namespace: 'Doc', metricName: 'Errors', at: periodStart + 90_000, value: 1 });
    if (p === false) samples.add({ namespace: 'Doc', metricName: 'Errors', at: periodStart + 200_000, value: 0 });
  });
  return evaluateAlarm(alarmOf(m, n, treat), samples, { from: T, to: T, initialState: current }).state;
}

function check(rows: Row[], m: number) {
  describe.each(cases(rows))('$points with TreatMissingData $treat', ({ points, treat, expected }) => {
    const starts: AlarmState[] = expected === 'retain' ? ['OK', 'ALARM'] : ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
    it.each(starts)(`from %s → ${expected === 'retain' ? 'the same state' : expected}`, (current) => {
      const want = expected === 'retain' ? current : expected;
      expect(decideState(parse(points), { evaluationPeriods: 3, datapointsToAlarm: m, treatMissingData: treat }, current)).toBe(want);
      expect(evaluateOverTime(points, m, 3, treat, current)).toBe(want);
    });
  });
}

describe('first table: Datapoints to Alarm 3 of Evaluation Periods 3', () => check(threeOfThree, 3));
describe('second table: 2 out of 3 (M out of N)', () => check(twoOfThree, 2));

describe('"Avoiding premature transitions to alarm state" (3 of 3, TreatMissingData missing)', () => {
  const settings = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' as const };
  it.each(['- - - - X', '- - - X -'])('%s does not go into ALARM at once', (points) => {
    expect(decideState(parse(points), settings, 'OK')).not.toBe('ALARM');
    expect(evaluateOverTime(points, 3, 3, 'missing', 'OK')).not.toBe('ALARM');
  });
  it.each(['- - - X 0', '- - X - 0'])('the next datapoint non-breaching (%s) keeps it out of ALARM: OK', (points) => {
    expect(decideState(parse(points), settings, 'OK')).toBe('OK');
  });
  it('- - X - - goes into ALARM though fewer than M datapoints exist', () => {
    expect(decideState(parse('- - X - -'), settings, 'OK')).toBe('ALARM');
  });
});

describe("the page's prose on the second row of the first table", () => {
  // "The next time this alarm is evaluated, if the data is still missing it will go to ALARM, as that
  // non-breaching data point will no longer be in the evaluation range."
  it('0 - - - - stays OK with breaching, then - - - - - goes to ALARM', () => {
    const settings = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching' as const };
    expect(decideState(parse('0 - - - -'), settings, 'OK')).toBe('OK');
    expect(decideState(parse('- - - - -'), settings, 'OK')).toBe('ALARM');
  });
});
