import { captureLogs, jsonLines } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';
import { logger } from '../../lib/logger';

/**
 * What a passing and a failing run write for monitoring: TimeToSms per SMS step as EMF (the only
 * custom metric a check emits), and one `run finished` line with the verdict and the failure reason,
 * which Logs Insights counts failures by (pass/fail alarms read the machine's AWS/States metrics).
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

it('publishes time-to-SMS as EMF and the verdict with its failure reason as a log line, no check-result metric', async () => {
  // Provisioning's lines are not wanted; the verdict line is logged at INFO.
  logger.setLogLevel('SILENT');
  const s = await ScenarioCloud.start();
  logger.setLogLevel('INFO');
  const logs = captureLogs();
  try {
    expect((await s.run('verify', { target: s.targetName, phoneNumber: nextPhone() })).status).toBe('SUCCEEDED');
    const phone = nextPhone();
    s.modes.set(phone, 'wrong');
    expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).error).toBe('CodeMismatch');
  } finally {
    logs.restore();
    await s.close();
  }
  const lines = jsonLines(logs.lines);
  const emf = lines.filter((l) => l._aws);
  for (const e of emf) expect(e._aws.CloudWatchMetrics[0].Namespace).toBe('CognitoSmsMfaCheck');
  expect(emf.flatMap((e) => e._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name))).toEqual(['TimeToSms', 'TimeToSms', 'TimeToSms']);
  expect(emf.map((e) => e.step).sort()).toEqual(['MFA', 'SIGN_UP', 'SIGN_UP']);
  for (const e of emf) expect(e._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'step']]);
  const verdicts = lines.filter((l) => l.message === 'run finished');
  expect(verdicts.map((v) => [v.verdict, v.reason])).toEqual([['PASS', undefined], ['FAIL', 'CodeMismatch']]);
}, 60_000);
