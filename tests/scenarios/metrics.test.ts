import { captureLogs } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';

/** The Embedded Metric Format lines a run writes: what the alarms and the dashboard read. */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

interface Emf { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }; [k: string]: unknown }

it('publishes check result, failure reason, step durations and time-to-SMS as EMF', async () => {
  const logs = captureLogs();
  const s = await ScenarioCloud.start();
  try {
    expect((await s.run('verify', { target: s.targetName, phoneNumber: nextPhone() })).status).toBe('SUCCEEDED');
    const phone = nextPhone();
    s.modes.set(phone, 'wrong');
    expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).error).toBe('CodeMismatch');
  } finally {
    logs.restore();
    await s.close();
  }
  const emf = logs.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Emf);
  const named = (name: string) => emf.filter((e) => e._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name));
  for (const e of emf) expect(e._aws.CloudWatchMetrics[0].Namespace).toBe('CognitoSmsMfaCheck');
  expect(named('CheckSucceeded')).toHaveLength(1);
  expect(named('CheckFailed')).toHaveLength(1);
  expect(named('CheckFailedByReason')).toEqual([expect.objectContaining({ reason: 'CodeMismatch', CheckFailedByReason: 1 })]);
  expect(named('CheckFailedByReason')[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['service', 'reason']));
  const stepNames = named('StepDuration').map((e) => e.step);
  expect(stepNames).toEqual(expect.arrayContaining(['SignUp', 'AwaitSignUpCode', 'ConfirmSignUp', 'InitiateAuth', 'AwaitMfaCode', 'RespondToAuthChallenge']));
  expect(named('TimeToSms').map((e) => e.step).sort()).toEqual(['MFA', 'SIGN_UP', 'SIGN_UP']);
  for (const e of named('TimeToSms')) expect(e.TimeToSms).toEqual(expect.any(Number));
  expect(named('RunDuration')).toHaveLength(2);
}, 60_000);
