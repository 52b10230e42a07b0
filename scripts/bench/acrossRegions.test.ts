import {
  acrossRegions,
  CROSS_REGION_BYTES_PER_CHECK,
  furtherSigninCheck,
  monthlyCost,
  perCheckLines,
  sum,
  type CheckCounts,
} from './costModel';
import * as P from './prices';

/** Issue 19, item 5: each further Region or replica check at the default cadence, in dollars a month. */
const signin: CheckCounts = {
  kind: 'signin',
  transitions: 4,
  invocations: [{ functionName: 'a', ms: 100, memoryMb: 256 }],
  dynamodb: { readUnits: 3, writeUnits: 12 },
  secretsManagerCalls: 0,
  kmsCalls: 0,
  snsPublishes: 1,
  logEvents: 4,
  logBytes: 1000,
  smsSent: 1,
  newUsers: 0,
};

describe('cost across Regions', () => {
  it('a pool in a further Region: 8,640 signin checks, a few KB each across Regions, one more standing user; SMS apart', () => {
    const f = furtherSigninCheck(signin, false);
    const checks = sum(perCheckLines(signin)) * 8640;
    const transfer = ((CROSS_REGION_BYTES_PER_CHECK * 8640) / 1e9) * P.INTER_REGION_PER_GB;
    expect(f).toMatchObject({ checksPerMonth: 8640, monthlyActiveUsers: 1, smsPerMonth: 8640 });
    expect(f.totalExSmsUsd).toBeCloseTo(checks + transfer + P.COGNITO_LITE_PER_MAU, 3);
    expect(f.smsUsd).toBeCloseTo(8640 * P.SMS_OUTBOUND_PER_MESSAGE, 3);
  });

  it("a replica: the same checks, but no new user (the primary's standing user replicates)", () => {
    const further = furtherSigninCheck(signin, false);
    const replica = furtherSigninCheck(signin, true);
    expect(replica.monthlyActiveUsers).toBe(0);
    expect(further.totalExSmsUsd - replica.totalExSmsUsd).toBeCloseTo(P.COGNITO_LITE_PER_MAU, 4);
  });

  it('the failover health check: the health check, one alarm metric and one metric series; in the monthly figure as its own field', () => {
    const a = acrossRegions(signin)!;
    expect(a.failoverHealthCheckUsd).toBeCloseTo(P.ROUTE53_HEALTH_CHECK_PER_MONTH + P.ALARM_METRIC_PER_MONTH + P.METRIC_PER_MONTH, 6);
    const m = monthlyCost([signin, { ...signin, kind: 'signup', smsSent: 2, newUsers: 1 }], {
      secrets: 1,
      kmsKeys: 0,
      alarmMetrics: 5,
      customMetricSeries: 1,
      dashboards: 0,
    });
    expect(m.acrossRegions?.replica.checksPerMonth).toBe(8640);
    expect(acrossRegions(undefined)).toBeUndefined();
  });
});
