import { readAlarms, type TemplateLike } from './alarms';
import { monteCarloAlarmsPerMonth, type MonteCarloOptions } from './monteCarlo';
import { expectedFalsePagesPerMonth } from './report';
import { DEFAULT_SMS_MODEL } from './smsModel';

/** The stack's paging and slow-check alarms as resources/monitoring.yml declares them with the default params. */
const TEMPLATE: TemplateLike = {
  Resources: {
    CheckFailingAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'CognitoSmsMfaCheck',
        MetricName: 'FailedChecks',
        Dimensions: [{ Name: 'service', Value: 'cognito-sms-mfa' }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: ['topic'],
      },
    },
    SlowCheckAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/States',
        MetricName: 'ExecutionTime',
        Dimensions: [{ Name: 'StateMachineArn', Value: 'arn' }],
        ExtendedStatistic: 'p90',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 120000,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: ['topic'],
      },
    },
  },
};
const alarms = readAlarms(TEMPLATE);
const base: MonteCarloOptions = {
  sms: DEFAULT_SMS_MODEL,
  months: 1,
  seed: 1,
  cadenceMinutes: 5,
  retries: 2,
  codeWaitMs: 120_000,
  holdMs: 60_000,
  otherStatesMs: 2_000,
};

describe('Monte Carlo of the alarms on a healthy pool', () => {
  it('matches what the simulation measured at 30% SMS loss: 60 SlowCheckAlarm warnings in 2 days (seed 3), where the closed form said 16', () => {
    // `npm run -s simulate -- --days 2 --sms-loss 0.3 --faults none --seed 3 --json` on 2026-12-07: 60 warnings, 14 failed checks, 10 pages.
    const perMonth = monteCarloAlarmsPerMonth(alarms, { ...base, sms: { ...DEFAULT_SMS_MODEL, loss: 0.3 } });
    const twoDays = (x: number) => (x * 2) / 30;
    expect(twoDays(perMonth.SlowCheckAlarm)).toBeGreaterThan(40);
    expect(twoDays(perMonth.SlowCheckAlarm)).toBeLessThan(90);
    // The paging alarm agrees with the closed form it is reported by (one page per failed check, fewer when they are adjacent).
    const closed = expectedFalsePagesPerMonth(
      { ...DEFAULT_SMS_MODEL, loss: 0.3 },
      {
        codeWaitMs: 120_000,
        checks: [{ everyMinutes: 5, retries: 2, smsPerAttempt: 1 }],
        periodSeconds: 300,
        evaluationPeriods: 2,
        datapointsToAlarm: 1,
      },
    );
    expect(perMonth.CheckFailingAlarm / closed.perMonth).toBeGreaterThan(0.7);
    expect(perMonth.CheckFailingAlarm / closed.perMonth).toBeLessThan(1.1);
  });

  it('finds nothing to page or warn about when no SMS is lost or late', () => {
    const perMonth = monteCarloAlarmsPerMonth(alarms, { ...base, sms: { p50Ms: 5_000, p95Ms: 8_000, p99Ms: 10_000, loss: 0 } });
    expect(perMonth).toEqual({ CheckFailingAlarm: 0, SlowCheckAlarm: 0 });
  });

  it('is repeatable: the same seed gives the same rates', () => {
    const opts = { ...base, sms: { ...DEFAULT_SMS_MODEL, loss: 0.1 } };
    expect(monteCarloAlarmsPerMonth(alarms, opts)).toEqual(monteCarloAlarmsPerMonth(alarms, opts));
  });
});
