import { captureLogs, jsonLines } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';
import { logger } from '../../lib/logger';

/**
 * What a passing and a failing run write for monitoring: no custom metric for a pass, one FailedChecks
 * count for a check whose final verdict is a pool or sms failure (the series CheckFailingAlarm pages
 * on; CodeNotDelivered is written only when a route loses a code); time to SMS per step as the
 * `timeToSmsMs` field of each code-delivery line (`code Resumed` / `code StoredBeforeAwait`) (Logs Insights charts it; the slow-check alarm
 * reads the verify machine's free AWS/States ExecutionTime); and one `run finished` line with the
 * verdict and the failure reason, which Logs Insights counts failures by.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

it('logs time to SMS per step on the code-delivery line and the verdict with its failure reason, and counts only the failed check', async () => {
  // Provisioning's lines are not wanted; the delivery and verdict lines are logged at INFO.
  logger.setLogLevel('SILENT');
  const s = await ScenarioCloud.start();
  logger.setLogLevel('INFO');
  const logs = captureLogs();
  const started = Date.now();
  try {
    expect((await s.run('verify', { target: s.targetName, phoneNumber: nextPhone() })).status).toBe('SUCCEEDED');
    const phone = nextPhone();
    s.modes.set(phone, 'wrong');
    expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).error).toBe('CodeMismatch');
    // A first attempt whose SMS is lost, then a re-run that passes: the failed attempt is not the verdict.
    const lossy = nextPhone();
    s.modes.set(lossy, 'drop');
    const stop = s.cloud.onSms((sms) => {
      if (sms.phoneNumber === lossy) s.modes.set(lossy, 'deliver');
    });
    try {
      const retried = await s.run('verify', { target: s.targetName, phoneNumber: lossy, retries: 1, timeouts: { signUpCodeSeconds: 2 } });
      expect(retried.status).toBe('SUCCEEDED');
    } finally {
      stop();
    }
  } finally {
    logs.restore();
    await s.close();
  }
  const elapsed = Date.now() - started;
  const lines = jsonLines(logs.lines);
  // The failed check (retries 0: its first failure is final) is counted once, its class and reason fields, not dimensions.
  expect(lines.filter((l) => l._aws)).toEqual([
    expect.objectContaining({ FailedChecks: 1, class: 'sms', reason: 'CodeMismatch', service: 'cognito-sms-mfa' }),
  ]);
  // A code that arrives before the await task parks its token is StoredBeforeAwait (here, always), else Resumed.
  const delivered = lines.filter((l) => l.message === 'code Resumed' || l.message === 'code StoredBeforeAwait');
  // Passing sign-up runs: their sign-up code and MFA code; failing run: its sign-up code (the wrong one).
  expect(delivered.map((l) => l.step).sort()).toEqual(['MFA', 'MFA', 'SIGN_UP', 'SIGN_UP', 'SIGN_UP']);
  for (const line of delivered) {
    expect(line.route).toBe('callback');
    expect(typeof line.timeToSmsMs).toBe('number');
    expect(line.timeToSmsMs).toBeGreaterThanOrEqual(0);
    expect(line.timeToSmsMs).toBeLessThanOrEqual(elapsed);
  }
  const verdicts = lines.filter((l) => l.message === 'run finished');
  expect(verdicts.map((v) => [v.verdict, v.reason, v.final])).toEqual([
    ['PASS', undefined, undefined],
    ['FAIL', 'CodeMismatch', true],
    // The lost first attempt (re-run follows: not final, not counted), then its re-run's pass.
    ['FAIL', 'SmsCodeNotReceived', false],
    ['PASS', undefined, undefined],
  ]);
}, 60_000);
