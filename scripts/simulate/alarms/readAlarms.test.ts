import { readAlarms } from './readAlarms';

const alarm = (condition?: string) => ({
  Type: 'AWS::CloudWatch::Alarm',
  ...(condition && { Condition: condition }),
  Properties: {
    Namespace: 'AWS/States',
    MetricName: 'ExecutionsFailed',
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  },
});

describe('readAlarms: a resource with a Condition exists only when it holds, as CloudFormation creates it', () => {
  const template = {
    Conditions: {
      Off: { 'Fn::Equals': ['false', 'true'] },
      On: { 'Fn::Not': [{ Condition: 'Off' }] },
      Both: { 'Fn::And': [{ Condition: 'On' }, { 'Fn::Equals': ['a', 'a'] }] },
    },
    Resources: { Always: alarm(), WhenOff: alarm('Off'), WhenOn: alarm('On'), WhenBoth: alarm('Both') },
  };

  it('keeps the unconditional alarms and those whose condition holds', () => {
    expect(readAlarms(template).map((a) => a.name)).toEqual(['Always', 'WhenOn', 'WhenBoth']);
  });

  it('refuses a condition it cannot decide, naming the resource', () => {
    const unresolved = { Conditions: { Odd: { 'Fn::Equals': [{ Ref: 'Param' }, 'x'] } }, Resources: { A: alarm('Odd') } };
    expect(() => readAlarms(unresolved)).toThrow(/A\.Condition/);
    expect(() => readAlarms({ Resources: { A: alarm('Missing') } })).toThrow(/A\.Condition.*Missing/);
  });
});
