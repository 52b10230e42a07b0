import { captureLogs, jsonLines } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';
import { logger } from '../../lib/logger';

/**
 * What a passing and a failing run write for monitoring: no custom metric at all (the one series,
 * CodeNotDelivered, is written only when a route loses a code); time to SMS per step as the
 * `timeToSmsMs` field of each code-delivery line (`code Resumed` / `code StoredBeforeAwait`) (Logs Insights charts it; the slow-check alarm
 * reads the verify machine's free AWS/States ExecutionTime); and one `run finished` line with the
 * verdict and the failure reason, which Logs Insights counts failures by.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

it('logs time to SMS per step on the code-delivery line and the verdict with its failure reason, and emits no metric', async () => {
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
  } finally {
    logs.restore();
    await s.close();
  }
  const elapsed = Date.now() - started;
  const lines = jsonLines(logs.lines);
  expect(lines.filter((l) => l._aws)).toEqual([]);
  // A code that arrives before the await task parks its token is StoredBeforeAwait (here, always), else Resumed.
  const delivered = lines.filter((l) => l.message === 'code Resumed' || l.message === 'code StoredBeforeAwait');
  // Passing sign-up run: its sign-up code and MFA code; failing run: its sign-up code (the wrong one).
  expect(delivered.map((l) => l.step).sort()).toEqual(['MFA', 'SIGN_UP', 'SIGN_UP']);
  for (const line of delivered) {
    expect(line.route).toBe('callback');
    expect(typeof line.timeToSmsMs).toBe('number');
    expect(line.timeToSmsMs).toBeGreaterThanOrEqual(0);
    expect(line.timeToSmsMs).toBeLessThanOrEqual(elapsed);
  }
  const verdicts = lines.filter((l) => l.message === 'run finished');
  expect(verdicts.map((v) => [v.verdict, v.reason])).toEqual([
    ['PASS', undefined],
    ['FAIL', 'CodeMismatch'],
  ]);
}, 60_000);
