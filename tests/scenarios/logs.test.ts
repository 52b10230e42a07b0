import { captureLogs } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';
import { logger } from '../../lib/logger';
import { ingestedLogBytes, PASSING_CHECK_LOG_BUDGET_BYTES } from '../../scripts/bench/costModel';
import { logLines } from '../../scripts/bench/checkCounts';

/**
 * Logs pay for themselves (issue 12 item 6): a passing check writes at most 4 KB as CloudWatch Logs
 * would ingest it (every Lambda line at the deployed INFO level, EMF lines included, 26 bytes of
 * overhead per event; the state machines log at ERROR, which writes nothing on a pass, and Lambda's
 * START/END/REPORT lines are off: provider.logs.lambda.systemLogLevel WARN). A failing check keeps
 * what a person needs: the failed task's error and the verdict with its reason.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let s: ScenarioCloud;
beforeAll(async () => {
  // Provisioning's lines are not a check's.
  logger.setLogLevel('SILENT');
  s = await ScenarioCloud.start();
}, 60_000);
afterAll(() => s?.close());

async function logged(run: () => Promise<unknown>): Promise<string[]> {
  const logs = captureLogs();
  logger.setLogLevel('INFO');
  try {
    await run();
    // The code route's Lambda may still be returning when the run ends.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    logs.restore();
  }
  return logLines(logs.lines);
}

it(`a passing check writes at most ${PASSING_CHECK_LOG_BUDGET_BYTES} bytes of logs`, async () => {
  const lines = await logged(async () =>
    expect((await s.run('verify', { target: s.targetName, phoneNumber: nextPhone() })).status).toBe('SUCCEEDED'),
  );
  expect(lines.some((l) => l.includes('"run finished"'))).toBe(true);
  expect(ingestedLogBytes(lines)).toBeLessThanOrEqual(PASSING_CHECK_LOG_BUDGET_BYTES);
}, 30_000);

it('a failing check logs the failed task and the verdict with its reason', async () => {
  const phone = nextPhone();
  s.modes.set(phone, 'wrong');
  const lines = (
    await logged(async () => expect((await s.run('verify', { target: s.targetName, phoneNumber: phone })).error).toBe('CodeMismatch'))
  ).map((l) => JSON.parse(l));
  expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'task failed', errorName: 'CodeMismatchException' }));
  expect(lines).toContainEqual(expect.objectContaining({ message: 'run finished', verdict: 'FAIL', reason: 'CodeMismatch' }));
}, 30_000);
