/**
 * A short simulation end to end (issue 18): four simulated hours of the stage's checks on the local
 * cloud under the virtual clock, one fault (the pool's MFA switched OFF for 30 min, through the real
 * SetUserPoolMfaConfig on the local cognito), the packaged template's alarms evaluated over the
 * runs' AWS/States datapoints. The fault must page within two check intervals, and nothing else may.
 */
import { join } from 'node:path';
import { runSimulation } from '../../scripts/simulate/main';
import { DEFAULT_SMS_MODEL } from '../../scripts/simulate/smsModel';

jest.setTimeout(180_000);

it('detects the pool with MFA off within 10 minutes and pages nothing else', async () => {
  const lines: string[] = [];
  const report = await runSimulation(
    { root: join(__dirname, '../..'), stage: 'dev', days: 4 / 24, seed: 3, sms: DEFAULT_SMS_MODEL, kinds: ['mfa-off'] },
    (line) => lines.push(line),
  );
  // signin every 5 min over 4 h, the first at the start; signup at the start.
  expect(report.checksByKind.signin).toBeGreaterThanOrEqual(47);
  expect(report.outages).toHaveLength(1);
  const [outage] = report.outages;
  expect(outage.kind).toBe('mfa-off');
  expect(outage.detectedAfterMinutes).not.toBeNull();
  expect(outage.detectedAfterMinutes!).toBeLessThanOrEqual(10);
  expect(outage.neverRecovered).toBeUndefined();
  expect(report.checksByStatus['FAILED MfaNotEnforced']).toBeGreaterThanOrEqual(1);
  expect(report.pages.every((p) => p.outage === 'mfa-off')).toBe(true);
  expect(report.falsePages).toBe(0);
});
