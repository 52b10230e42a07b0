import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/serverlessConfig';
import { TEMPLATE_PATH, type Template } from './template';

/**
 * `sls package --param failoverHealthCheck=true` (issue 19, item 4): a Route 53 health check of type
 * CLOUDWATCH_METRIC on the sign-in check alarm, so a managed-login domain's failover
 * (Routing.Failover.PrimaryRoute53HealthCheckId) or a DNS failover record can follow the checks.
 * AWS::Route53::HealthCheck HealthCheckConfig (CloudFormation reference): AlarmIdentifier {Region,
 * Name} and InsufficientDataHealthStatus (Healthy | Unhealthy | LastKnownStatus) for CLOUDWATCH_METRIC.
 */
function slsPackage(...params: string[]): Template {
  const result = spawnSync(
    join(PROJECT_ROOT, 'node_modules/.bin/sls'),
    ['package', '--stage', 'ci', ...params.flatMap((p) => ['--param', p])],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: '1', SLS_TELEMETRY_DISABLED: '1' },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (result.status !== 0) throw new Error(`sls package failed: ${result.stdout}${result.stderr}`);
  return JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
}

const FAILOVER = ['SignInFailoverHealthCheck', 'SignInCheckAlarm', 'SignInCheckFailedMetricFilter', 'SignInCheckPassedMetricFilter'];

describe('failoverHealthCheck=true', () => {
  let template: Template;
  beforeAll(() => {
    template = slsPackage('failoverHealthCheck=true', 'failoverHealthCheckPoolRegion=us-east-1');
  }, 240_000);

  it('has an AWS::Route53::HealthCheck of type CLOUDWATCH_METRIC on the sign-in check alarm, keeping its last status without data', () => {
    const check = template.Resources.SignInFailoverHealthCheck!;
    expect(check.Type).toBe('AWS::Route53::HealthCheck');
    expect(check.Properties.HealthCheckConfig).toEqual({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: { Ref: 'AWS::Region' }, Name: { Ref: 'SignInCheckAlarm' } },
      InsufficientDataHealthStatus: 'LastKnownStatus',
    });
    for (const name of FAILOVER) expect((template.Resources[name] as { Condition?: string }).Condition).toBe('HasFailoverHealthCheck');
    expect(template.Outputs?.FailoverHealthCheckId).toMatchObject({
      Condition: 'HasFailoverHealthCheck',
      Value: { Ref: 'SignInFailoverHealthCheck' },
    });
  });

  it('the alarm counts sign-in checks only, failures 1 and passes 0, of the pools in the Region named; no check is missing data, not a failure', () => {
    const alarm = template.Resources.SignInCheckAlarm!.Properties;
    expect(alarm).toMatchObject({ MetricName: 'SignInCheckFailures', Statistic: 'Sum', Threshold: 1, TreatMissingData: 'missing' });
    const failed = template.Resources.SignInCheckFailedMetricFilter!.Properties;
    const passed = template.Resources.SignInCheckPassedMetricFilter!.Properties;
    expect(failed.MetricTransformations[0]).toMatchObject({ MetricName: 'SignInCheckFailures', MetricValue: '1' });
    expect(passed.MetricTransformations[0]).toMatchObject({ MetricName: 'SignInCheckFailures', MetricValue: '0' });
    // A failed attempt that a re-run follows is not the check's verdict: only `final` lines count, or
    // one lost SMS (retried and passed) would count as a failed sign-in and could fail the pool over.
    // `$.final IS TRUE`: the boolean form of "Using filter patterns to match terms in JSON log events"
    // (CloudWatch Logs User Guide).
    expect(failed.FilterPattern['Fn::If'][2]).toBe(
      '{ $.message = "run finished" && $.kind = "signin" && $.verdict = "FAIL" && $.final IS TRUE && $.region = "us-east-1" }',
    );
    expect(template.Conditions?.FailoverHealthCheckAnyRegion).toEqual({ 'Fn::Equals': ['us-east-1', ''] });
    // The log groups whose lines the filters read: those of the functions that log a sign-in run's verdict.
    expect(failed.LogGroupName).toBe('/aws/lambda/cognito-sms-mfa-ci-recordResult');
    expect(passed.LogGroupName).toBe('/aws/lambda/cognito-sms-mfa-ci-finishSignIn');
    expect(template.Resources.RecordResultLogGroup).toBeDefined();
    expect(template.Resources.FinishSignInLogGroup).toBeDefined();
  });

  it('passes cfn-lint with no errors', () => {
    const result = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', TEMPLATE_PATH], { encoding: 'utf8' });
    expect({ status: result.status, errors: result.stdout.split('\n\n').filter((b) => /^E\d/.test(b)) }).toEqual({ status: 0, errors: [] });
  });
});

describe('without the param', () => {
  it('the resources are there only under their condition, which is false by default', () => {
    const template = slsPackage();
    expect(template.Conditions?.HasFailoverHealthCheck).toEqual({ 'Fn::Equals': ['false', 'true'] });
    expect(template.Resources.SignInFailoverHealthCheck).toMatchObject({ Condition: 'HasFailoverHealthCheck' });
  }, 240_000);
});
