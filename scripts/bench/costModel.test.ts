import { DEFAULT_SCHEDULES, monthlyCost, perCheckLines, retryRunsPerMonth, sum, type CheckCounts } from './costModel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCondition, fixedResources } from './fixedCosts';
import * as P from './prices';

const counts = (kind: string, over: Partial<CheckCounts> = {}): CheckCounts => ({
  kind,
  transitions: 5,
  invocations: [
    { functionName: 'a', ms: 99.2, memoryMb: 256 },
    { functionName: 'b', ms: 0.4, memoryMb: 1024 },
  ],
  dynamodb: { readUnits: 3, writeUnits: 4 },
  secretsManagerCalls: 1,
  kmsCalls: 0,
  snsPublishes: 1,
  logEvents: 4,
  logBytes: 1000,
  smsSent: 1,
  newUsers: 0,
  ...over,
});
const fixed = { secrets: 1, kmsKeys: 1, alarmMetrics: 3, customMetricSeries: 3, dashboards: 0 };

describe('cost model', () => {
  it('prices one check from its counts: billed durations round up to 1 ms, logs carry 26 bytes per event', () => {
    const lines = perCheckLines(counts('signin'));
    const gbSeconds = 0.1 * 0.25 + 0.001 * 1;
    const expected =
      5 * P.SFN_PER_TRANSITION +
      2 * P.LAMBDA_PER_REQUEST +
      gbSeconds * P.LAMBDA_ARM_PER_GB_SECOND +
      3 * P.DYNAMODB_PER_READ_REQUEST_UNIT +
      4 * P.DYNAMODB_PER_WRITE_REQUEST_UNIT +
      P.SECRETS_PER_API_CALL +
      P.SNS_PER_PUBLISH +
      ((1000 + 4 * 26) / 1e9) * P.LOGS_PER_GB_INGESTED +
      P.XRAY_PER_TRACE +
      P.SCHEDULER_PER_INVOCATION;
    expect(sum(lines)).toBeCloseTo(expected, 12);
  });

  it('gives no monthly figure while a default check kind is not measured, and says which', () => {
    const m = monthlyCost([counts('signup', { newUsers: 1, smsSent: 2 })], fixed);
    expect(m.perMonthUsdExSms).toBeNull();
    expect(m.notMeasured).toEqual(['signin']);
    expect(m.outside.smsUsd).toBeNull();
  });

  it('adds checks × schedules, fixed resources and Cognito MAU at the Lite price; SMS, phone number and dashboard stay outside', () => {
    const signin = counts('signin');
    const signup = counts('signup', { transitions: 14, newUsers: 1, smsSent: 2 });
    const m = monthlyCost([signin, signup], fixed);
    // Issue 18: the default 2 retries per check at the assumed 5% failing: 864 sign-in and 12 sign-up re-runs.
    expect(DEFAULT_SCHEDULES.map((s) => retryRunsPerMonth(s))).toEqual([864, 12]);
    const mau = 120 + 12 + 1;
    const expected =
      (8640 + 864) * sum(perCheckLines(signin)) +
      (120 + 12) * sum(perCheckLines(signup)) +
      0.4 +
      1 +
      0.3 +
      0.9 +
      mau * P.COGNITO_LITE_PER_MAU;
    expect(m.perMonthUsdExSms).toBeCloseTo(expected, 3);
    expect(m.cognito).toEqual({
      monthlyActiveUsers: mau,
      liteUsd: expect.closeTo(mau * 0.0055, 4),
      essentialsUsd: expect.closeTo(mau * 0.015, 4),
    });
    expect(m.outside.smsPerMonth).toBe(8640 + 864 + 2 * (120 + 12));
    expect(monthlyCost([signin, signup], fixed, DEFAULT_SCHEDULES, 0).outside.smsPerMonth).toBe(8640 + 240);
    expect(m.outside).toMatchObject({ customSmsSenderUsd: P.KMS_KEY_PER_MONTH, twilioRouteUsd: P.SECRET_PER_MONTH });
    expect(m.canary).toEqual({ runsPerMonth: 8760, usd: expect.closeTo(8760 * 0.0012, 4) });
  });
});

describe('conditions of the packaged template', () => {
  const template = { Resources: {}, Conditions: { Off: { 'Fn::Equals': ['false', 'true'] }, On: { 'Fn::Not': [{ Condition: 'Off' }] } } };
  it('are decided from their substituted parameters', () => {
    expect(evaluateCondition(template, template.Conditions.Off)).toBe(false);
    expect(evaluateCondition(template, template.Conditions.On)).toBe(true);
    expect(evaluateCondition(template, { 'Fn::And': [{ Condition: 'On' }, { Condition: 'Off' }] })).toBe(false);
  });
  it('refuse what needs a deployment', () => {
    expect(() => evaluateCondition(template, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] })).toThrow(/Cannot evaluate/);
    expect(() => evaluateCondition(template, { Ref: 'X' })).toThrow(/Cannot evaluate/);
  });
});

describe('fixed resources of the packaged template', () => {
  it('count only what the default params create: a conditional KMS key and secret whose condition is false are not billed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixed-'));
    try {
      const template = {
        Conditions: { CustomSmsSenderEnabled: { 'Fn::Equals': ['false', 'true'] }, HasDashboard: { 'Fn::Equals': ['true', 'true'] } },
        Resources: {
          Callback: { Type: 'AWS::SecretsManager::Secret' },
          Twilio: { Type: 'AWS::SecretsManager::Secret', Condition: 'CustomSmsSenderEnabled' },
          Key: { Type: 'AWS::KMS::Key', Condition: 'CustomSmsSenderEnabled' },
          A: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
          Board: { Type: 'AWS::CloudWatch::Dashboard', Condition: 'HasDashboard' },
        },
      };
      writeFileSync(join(dir, 'cloudformation-template-update-stack.json'), JSON.stringify(template));
      // Three series the code can emit: CodeNotDelivered and (issue 18) FailedChecks and CheckerFailures.
      expect(fixedResources(dir)).toEqual({ secrets: 1, kmsKeys: 0, alarmMetrics: 1, customMetricSeries: 3, dashboards: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
