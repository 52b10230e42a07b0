import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { writeLocalEndpoints } from '../../../cli/config';
import { localCloudEndpoints } from '../../../local/cliEndpoints';

/**
 * The ops CLI against the local cloud, through the same AWS APIs it uses against a stage:
 * provision, verify --interactive with codes typed on stdin, verify --json, submit-code, history (lines and --json).
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
    const text = t.lines.join('\n');
    expect(text).toMatch(/^▶ provision run [0-9a-f-]{36}$/m);
    expect(text).toMatch(/✓ EnsureUserPool +\d+ ms {2}pool us-east-1_\w+ (created|found)/);
    // The verdict is a sentence naming what was provisioned; the final Pass state adds no line of its own.
    expect(t.lines.at(-1)).toMatch(/^SUCCEEDED in [\d.]+ m?s: target MyUserPool → pool us-east-1_\w+, client \w+; /);
    expect(text).toMatch(/✓ Provisioned +\d+ ms$/m);
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
    expect(t.lines.at(-1)).toMatch(/^PASS in [\d.]+ m?s, tokens verified$/);
    // Each step line says what is new in it; the run id and the pool only in the header and the first step.
    expect(text).toMatch(/^▶ verify run ([0-9a-f-]{36})$/m);
    const runId = /^▶ verify run (\S+)$/m.exec(text)![1]!;
    expect(text.split(runId)).toHaveLength(2);
    const pool =
      /✓ PrepareRun +\d+ ms {2}pool (us-east-1_\w+) \(target MyUserPool\), signs in with password, phone \+\*+0142, code timeouts 300 \/ 120 s$/m.exec(
        text,
      )![1]!;
    expect(text.split(pool)).toHaveLength(2);
    expect(text).toMatch(/✓ SignUp +\d+ ms {2}code sent to \+\*+0142 by SMS$/m);
    expect(text).toMatch(/✓ AwaitSignUpCode +[\d.]+ m?s {2}code came back after [\d.]+ m?s$/m);
    expect(text).toMatch(/✓ InitiateAuth +\d+ ms {2}challenge SMS_MFA, code sent to \+\*+0142$/m);
    expect(text).toMatch(
      /✓ RespondToAuthChallenge +\d+ ms {2}tokens verified \(access \+ id \+ refresh, expire in 3600 s\); refreshed with REFRESH_TOKEN_AUTH, revoked$/m,
    );
    expect(text).toMatch(/✓ DeleteUser +\d+ ms$/m);
    expect(text).not.toContain('+15555550142');
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
    expect(t.lines.at(-1)).toMatch(/^PASS in [\d.]+ m?s, tokens verified$/);
  });

  it('verify fails with the named reason and exit 1 when no code comes', async () => {
    const t = io();
    expect(
      await main(['verify', '--local', '--target', 'MyUserPool', '--phone', '+15555550143', '--timeouts', '{"signUpCodeSeconds":1}'], t.io),
    ).toBe(1);
    const text = t.lines.join('\n');
    // The wait that timed out is marked, and the verdict names the reason, its cause, when and where.
    expect(text).toMatch(/✗ AwaitSignUpCode +[\d.]+ m?s {2}States.Timeout$/m);
    expect(text).toMatch(/✓ RecordFailure +\d+ ms {2}recorded FAIL \(SmsCodeNotReceived\)$/m);
    expect(t.lines.at(-1)).toMatch(/^FAIL: SmsCodeNotReceived — .+ \(after [\d.]+ m?s, in AwaitSignUpCode\)$/);
    expect(text).not.toContain('+15555550143');
  });

  it('verify --json prints one JSON document and nothing else', async () => {
    const t = io();
    expect(
      await main(
        ['verify', '--local', '--json', '--target', 'MyUserPool', '--phone', '+15555550144', '--timeouts', '{"signUpCodeSeconds":1}'],
        t.io,
      ),
    ).toBe(1);
    expect(t.lines).toHaveLength(1);
    expect(JSON.parse(t.lines[0]!)).toMatchObject({
      status: 'FAILED',
      error: 'SmsCodeNotReceived',
      failedIn: 'AwaitSignUpCode',
      // Named even when the run failed: from the input, the target record and the app client's default flow.
      kind: 'signup',
      authFlow: 'password',
      region: 'us-east-1',
      verdict: expect.stringMatching(/^FAIL: SmsCodeNotReceived — /),
    });
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
    expect(report.runs).toHaveLength(4);
    expect(report.runs.map((r: { verdict: string }) => r.verdict).sort()).toEqual(['FAIL', 'FAIL', 'PASS', 'PASS']);
    expect(report.runs.find((r: { verdict: string }) => r.verdict === 'FAIL').reason).toBe('SmsCodeNotReceived');
    expect(report.runs.find((r: { verdict: string }) => r.verdict === 'PASS').steps.length).toBeGreaterThan(10);
    expect(report.successRate).toBeCloseTo(2 / 4);
  });

  it('target remove refuses the provisioned target (its record says what teardown may delete); target list shows it as provisioned', async () => {
    const t = io();
    expect(await main(['target', 'remove', 'MyUserPool', '--local'], t.io)).toBe(2);
    expect(t.lines.join('\n')).toContain('target MyUserPool was provisioned');
    const list = io();
    expect(await main(['target', 'list', '--local'], list.io)).toBe(0);
    expect(list.lines.join('\n')).toMatch(/^MyUserPool +provisioned +us-east-1_\w+ /m);
  });

  it('history prints one line per run and the success rate, with no JSON', async () => {
    const t = io();
    expect(await main(['history', '--local', '--limit', '5'], t.io)).toBe(0);
    const text = t.lines.join('\n');
    expect(text).toMatch(/^\S+Z {2}FAIL +SmsCodeNotReceived \(sms\) +[\d.]+ m?s {2}[0-9a-f-]{36}$/m);
    expect(text).toMatch(/^\S+Z {2}PASS +[\d.]+ m?s {2}[0-9a-f-]{36}\n( +ChooseKind +\d+ ms\n)? +PrepareRun +\d+ ms$/m);
    expect(text.split('\n').at(-1)).toBe('success rate: 50% over 4 finished runs');
    expect(text).not.toContain('{');
  });
});
