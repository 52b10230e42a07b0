import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';

/**
 * The ops CLI against the local cloud, through the same AWS APIs it uses against a stage:
 * provision, verify --interactive with codes typed on stdin, submit-code, history --json.
 */
const dir = mkdtempSync(join(tmpdir(), 'cogcheck-'));
process.env.COGCHECK_LOCAL_ENDPOINTS = join(dir, 'endpoints.json');
// Imported after the variable is set: the endpoints file location is read at load.

const { main } = require('../../../cli/main') as typeof import('../../../cli/main');

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ codeSource: 'none' });
  writeLocalEndpoints(localCloudEndpoints(cloud));
}, 60_000);
afterAll(async () => {
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

function io(stdin = new PassThrough()) {
  const lines: string[] = [];
  return { lines, stdin, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTTY: false, stdin } };
}

describe('cogcheck', () => {
  it('provisions and prints the ids (exit 0)', async () => {
    const t = io();
    expect(await main(['provision', '--local'], t.io)).toBe(0);
    expect(t.lines.join('\n')).toMatch(/✓ EnsureUserPool[\s\S]*SUCCEEDED: .*"userPoolId":"us-east-1_/);
  });

  it('verify --interactive: each awaited code is typed on stdin, and the run passes', async () => {
    const t = io();
    const typed: string[] = [];
    const stopTyping = cloud.onSms((sms) => {
      typed.push(sms.code);
      // A person reads the SMS and types the code a moment later.
      setTimeout(() => t.stdin.write(`${sms.code}\n`), 30);
    });
    const code = await main(['verify', '--local', '--interactive', '--target', 'MyUserPool', '--phone', '+15555550142'], t.io);
    stopTyping();
    const text = t.lines.join('\n');
    expect(code).toBe(0);
    expect(text).toContain('waiting for the sign-up SMS code');
    expect(text).toContain('waiting for the MFA SMS code');
    expect(text.match(/callback answered 202/g)).toHaveLength(2);
    expect(text).toMatch(/^PASS: /m);
    for (const c of typed) expect(text).not.toMatch(new RegExp(`(?<!\\d)${c}(?!\\d)`));
  });

  it("verify without --phone checks with the stage's inbound-SMS number (what the schedule does without checkPhoneNumber)", async () => {
    const t = io();
    const phones: string[] = [];
    const stopTyping = cloud.onSms((sms) => {
      phones.push(sms.phoneNumber);
      setTimeout(() => t.stdin.write(`${sms.code}\n`), 30);
    });
    const code = await main(['verify', '--local', '--interactive', '--target', 'MyUserPool'], t.io);
    stopTyping();
    expect(code).toBe(0);
    const inbound = cloud.smsVoice.numbers.find((n) => n.PhoneNumberId === process.env.INBOUND_PHONE_NUMBER_ID)!.PhoneNumber;
    expect(phones.length).toBeGreaterThanOrEqual(2);
    expect(new Set(phones)).toEqual(new Set([inbound]));
    expect(t.lines.join('\n')).toMatch(/^PASS: /m);
  });

  it('verify fails with the named reason and exit 1 when no code comes', async () => {
    const t = io();
    expect(
      await main(['verify', '--local', '--target', 'MyUserPool', '--phone', '+15555550143', '--timeouts', '{"signUpCodeSeconds":1}'], t.io),
    ).toBe(1);
    expect(t.lines.join('\n')).toMatch(/^FAIL: SmsCodeNotReceived/m);
  });

  it('submit-code: a valid signature reaches the callback; a wrong secret is refused (exit 3)', async () => {
    const good = io();
    // Nothing waits on this phone: the signed request is authenticated and answered 404.
    expect(await main(['submit-code', '--local', '--phone', '+15555550199', '--code', '123456', '--json'], good.io)).toBe(3);
    expect(JSON.parse(good.lines.join(''))).toMatchObject({ status: 404, body: { error: { code: 'NotWaiting' } } });
    const bad = io();
    expect(
      await main(['submit-code', '--local', '--phone', '+15555550199', '--code', '123456', '--secret', 'wrong', '--json'], bad.io),
    ).toBe(3);
    expect(JSON.parse(bad.lines.join(''))).toMatchObject({ status: 401 });
  });

  it('history --json lists the runs with verdict, reason and step timings, and the success rate', async () => {
    const t = io();
    expect(await main(['history', '--local', '--json', '--limit', '5'], t.io)).toBe(0);
    const report = JSON.parse(t.lines.join(''));
    expect(report.runs).toHaveLength(3);
    expect(report.runs.map((r: { verdict: string }) => r.verdict).sort()).toEqual(['FAIL', 'PASS', 'PASS']);
    expect(report.runs.find((r: { verdict: string }) => r.verdict === 'FAIL').reason).toBe('SmsCodeNotReceived');
    expect(report.runs.find((r: { verdict: string }) => r.verdict === 'PASS').steps.length).toBeGreaterThan(10);
    expect(report.successRate).toBeCloseTo(2 / 3);
  });

  it('says what is wrong and exits 2 without a target', async () => {
    const t = io();
    await expect(main(['status'], t.io)).rejects.toMatchObject({ name: 'ConfigError' });
  });
});
