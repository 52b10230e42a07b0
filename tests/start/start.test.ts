import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { exportedEnv, hasAwsCli, motoServersOn, startProcesses } from './harness';

/**
 * `npm start` as a user runs it (tests/start/harness.ts): checked through its stdout, exit code,
 * and (with --keep-running) the AWS CLI.
 */
const run = promisify(execFile);
const { start, finished, endpointsFile: ENDPOINTS_FILE } = startProcesses();

jest.setTimeout(120_000);

describe('npm start (local/start.ts)', () => {
  it('provisions, verifies once, prints a line per state, a timings table and PASS, exits 0', async () => {
    const r = await finished([]);
    expect(r.stderr).not.toMatch(/Error|Warning/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: provisioned, 1\/1 verification runs passed/m);
    // Live lines show what each state changed, masked; never a code, password or token.
    expect(r.stdout).toMatch(/✓ verify#1\s+SignUp\s+\d+ ms\s+signUp\.userConfirmed=false/);
    expect(r.stdout).toMatch(/✓ verify#1\s+AwaitSignUpCode\s+\d+ ms\s+\(no change\)/);
    expect(r.stdout).toMatch(/InitiateAuth\s+\d+ ms\s+challenge\.challenge=SMS_MFA challenge\.destination=\+\*+0100/);
    // (authFlow=password names the sign-in flow, not a password.)
    expect(r.stdout.replace(/authFlow=password/g, '')).not.toMatch(/\+15555550100|password|session=|idToken|accessToken|refreshToken/i);
    expect(r.stdout).toMatch(/Step timings — verification, 1 run \(15 state transitions, 13 Lambda invocations per run\)/);
    expect(r.stdout).toMatch(/^\s+RespondToAuthChallenge\s+\d+$/m);
    // Lambda logs and EMF metrics stay off stdout.
    expect(r.stdout).not.toContain('CloudWatchMetrics');
    // Names and ids whole (issue 20 item 9: `roleName=MyUserPool-SMS-Rol…` was cut mid-word); a
    // long line is cut between fields only, the rest counted as (+N more).
    expect(r.stdout).toMatch(/✓ provision\s+ValidateInput\s+\d+ ms\s+.*roleName=MyUserPool-SMS-Role policyName=/);
    expect(r.stdout).not.toMatch(/=\S*…/);
    // It ends with what to do next, each step naming its README section.
    const next = r.stdout.slice(r.stdout.indexOf('\nNext:'));
    expect(next).toMatch(/npm start -- --keep-running .*\n.*README "Walkthrough by hand with the AWS CLI"/);
    expect(next).toMatch(/npm run cli -- target add --stage <stage> .*\n.*README "Check a pool you already have"/);
    expect(next).toMatch(/npx sls deploy --stage <stage> .*\n.*README "Deploy"/);
  });

  it('--json prints exactly one JSON report with the verdict, timings and counts', async () => {
    const r = await finished(['--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: 'PASS', codeSource: 'inbound-sms', runs: 1, passed: 1, failed: 0 });
    for (const key of ['totalMs', 'stackReadyMs', 'firstStateMs', 'bootMs', 'lambdaInvocationsTotal', 'peakRssMb']) {
      expect(typeof report[key]).toBe('number');
    }
    expect(report.firstStateMs).toBeGreaterThan(report.stackReadyMs);
    expect(report.totalMs).toBeGreaterThan(report.firstStateMs);
    // Provisioning also wires the stage's inbound number (DescribePhoneNumber, UpdatePhoneNumber).
    expect(report.provision).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 12, lambdaInvocations: 9 });
    expect(report.provision.output.inboundPhone).toMatchObject({ configured: true, twoWay: 'this-stack', phoneNumber: '+*******0100' });
    const [v] = report.verifications;
    expect(v).toMatchObject({ status: 'SUCCEEDED', phone: '+*******0100', stateTransitions: 15, lambdaInvocations: 13 });
    expect(v.output.kind).toBe('signup');
    expect(v.steps.map((s: { state: string }) => s.state)).toEqual(
      expect.arrayContaining(['SignUp', 'AwaitSignUpCode', 'AwaitMfaCode', 'RespondToAuthChallenge']),
    );
    for (const s of v.steps) expect(s).toEqual({ state: expect.any(String), ms: expect.any(Number), status: 'ok' });
    // Every Lambda invocation is attributed to its execution, or to the code route (the inbound
    // receiver, once per code).
    expect(report.codeRouteInvocations).toBe(2);
    expect(report.lambdaInvocationsTotal).toBe(report.provision.lambdaInvocations + v.lambdaInvocations + report.codeRouteInvocations);
    // The flow named `password` is no secret; a password, a code or a token would be.
    expect(r.stdout.replace(/"authFlow": "password"/g, '')).not.toMatch(/\+15555550100|idToken|accessToken|password/i);
  });

  it('--kind signin --runs 2 --json: both pass on one standing user, created by the first run and reused by the second, in 4 states each', async () => {
    const r = await finished(['--kind', 'signin', '--runs', '2', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: 'PASS', runs: 2, passed: 2, failed: 0 });
    const [first, second] = report.verifications;
    expect(first).toMatchObject({
      status: 'SUCCEEDED',
      stateTransitions: 4,
      lambdaInvocations: 3,
      output: { verdict: 'PASS', kind: 'signin', standingUser: 'created' },
    });
    expect(second).toMatchObject({
      status: 'SUCCEEDED',
      stateTransitions: 4,
      lambdaInvocations: 3,
      output: { verdict: 'PASS', kind: 'signin', standingUser: 'reused' },
    });
    expect(second.steps.map((s: { state: string }) => s.state)).toEqual(['ChooseKind', 'StartSignIn', 'AwaitSignInCode', 'FinishSignIn']);
    // One code a run (MFA), each brought back by the inbound receiver.
    expect(report.codeRouteInvocations).toBe(2);
    // The flow named `password` is no secret; a password, a code or a token would be.
    expect(r.stdout.replace(/"authFlow": "password"/g, '')).not.toMatch(/\+15555550100|idToken|accessToken|password/i);
  });

  // Each route's receiver runs once per code, through the one Lambda runtime: the Custom SMS Sender
  // (invoked by Cognito), the Twilio webhook and POST /codes (invoked by the HTTP API).
  it.each(['custom-sender', 'twilio', 'callback'])(
    '--code-source %s --json: PASS, the report names the route and counts its receiver',
    async (source) => {
      const r = await finished(['--code-source', source, '--json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ verdict: 'PASS', codeSource: source, passed: 1, codeRouteInvocations: 2 });
      const [v] = report.verifications;
      expect(report.lambdaInvocationsTotal).toBe(report.provision.lambdaInvocations + v.lambdaInvocations + report.codeRouteInvocations);
      expect(report.provision.output.smsSender).toBe(source === 'custom-sender' ? 'custom-sender' : 'cognito');
    },
  );

  it('--sms-path eums --json: PASS on a pool sending through End User Messaging, with delivery events recorded on the run (issue 18)', async () => {
    const r = await finished(['--sms-path', 'eums', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: 'PASS', smsPath: 'eums', passed: 1 });
    expect(report.deliveryEvents).toBeGreaterThanOrEqual(1);
    expect(report.deliveryEvents).toBe(report.deliveryEventsPublished);
    expect(report.provision.output.smsPath).toBe('eums');
  });

  it('--first-sign-in-without-mfa --json: PASS, the first sign-in returned tokens, the second was challenged with SMS_MFA', async () => {
    const r = await finished(['--first-sign-in-without-mfa', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: 'PASS', passed: 1 });
    const [v] = report.verifications;
    // tokens-without-mfa: the first sign-in skipped MFA (lib/verify/firstSignIn.ts), and the run only
    // passes through RespondToAuthChallenge when the sign-in after it was an SMS_MFA challenge.
    expect(v.output).toMatchObject({ verdict: 'PASS', firstSignIn: 'tokens-without-mfa' });
    expect(v.steps.map((s: { state: string }) => s.state)).toEqual(
      expect.arrayContaining(['InitiateAuth', 'AwaitMfaCode', 'RespondToAuthChallenge']),
    );
    const plain = await finished(['--first-sign-in-without-mfa']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('First sign-in returned tokens without MFA in 1/1 runs');
    expect(plain.stdout).toContain('the second sign-in was challenged with SMS_MFA');
  });

  it('--runs 3 --concurrency 3 runs 3 verifications over 3 phones: 3/3', async () => {
    const r = await finished(['--runs', '3', '--concurrency', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: provisioned, 3\/3 verification runs passed/m);
    for (const phone of ['0100', '0101', '0102']) expect(r.stdout).toContain(`+*******${phone}`);
    expect(r.stdout).toMatch(/state\s+median ms\s+min\s+max\s+runs/);
    expect(r.stdout).toMatch(/runs\/s/);
  });

  it('--keep-running serves the AWS CLI at the printed endpoints, and SIGINT closes everything', async () => {
    const s = start(['--keep-running']);
    await s.waitFor(/Waiting for Ctrl-C/);
    const out = s.stdout();
    expect(out).toMatch(/^PASS:/m);
    const env = exportedEnv(out);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['AWS_ENDPOINT_URL_SFN', 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'AWS_ENDPOINT_URL_IAM']),
    );
    const verifyArn = out.match(/^\s+verify\s+(arn:aws:states:\S+)$/m)?.[1];
    expect(verifyArn).toMatch(/:stateMachine:.*-verify$/);
    const motoPort = new URL(env.AWS_ENDPOINT_URL_IAM!).port;
    expect(motoServersOn(motoPort)).toHaveLength(1);
    // The fake phone's inbox is listed, and named in the endpoints file that `cogcheck --local` reads.
    const inboxUrl = out.match(/^\s+SMS inbox\s+GET (http:\/\/127\.0\.0\.1:\d+\/sms)\?/m)?.[1];
    expect(JSON.parse(readFileSync(ENDPOINTS_FILE, 'utf8'))).toMatchObject({ smsInboxUrl: inboxUrl });
    const inbox = (await (await fetch(inboxUrl!)).json()) as { phoneNumber: string; code: string; runId: string }[];
    expect(inbox).toEqual([
      expect.objectContaining({
        phoneNumber: '+15555550100',
        code: expect.stringMatching(/^\d{6}$/),
        runId: expect.stringMatching(/^verify-1-/),
      }),
      expect.objectContaining({ phoneNumber: '+15555550100', runId: expect.stringMatching(/^verify-1-/) }),
    ]);

    if (hasAwsCli) {
      const cli = async (...args: string[]) => {
        const cliEnv: NodeJS.ProcessEnv = {
          ...process.env,
          ...env,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        };
        delete cliEnv.AWS_PROFILE;
        const { stdout } = await run('aws', [...args, '--output', 'json'], { env: cliEnv });
        return JSON.parse(stdout);
      };
      const pools = await cli('cognito-idp', 'list-user-pools', '--max-results', '10');
      expect(pools.UserPools.map((p: { Name: string }) => p.Name)).toContain('MyUserPool');
      const executions = await cli('stepfunctions', 'list-executions', '--state-machine-arn', verifyArn!);
      expect(executions.executions).toEqual([expect.objectContaining({ status: 'SUCCEEDED', name: expect.stringMatching(/^verify-1-/) })]);
    } else {
      console.log('AWS CLI not installed (command -v aws failed): skipping the aws cognito-idp / stepfunctions checks');
    }

    s.child.kill('SIGINT');
    const { code } = await s.exit;
    expect(code).toBe(0);
    expect(motoServersOn(motoPort)).toEqual([]);
  });

  it('Ctrl-C during the runs closes the local cloud (no moto left) and exits 130', async () => {
    const s = start(['--runs', '50']);
    const [, motoPort] = await s.waitFor(/Local cloud up in \d+ ms \(.*moto :(\d+)/);
    // A Lambda state, not the 0 ms ChooseKind that starts every run: the runs are under way.
    await s.waitFor(/✓ verify#1 +PrepareRun /);
    expect(motoServersOn(motoPort!)).toHaveLength(1);
    s.child.kill('SIGINT');
    const { code } = await s.exit;
    expect(code).toBe(130);
    expect(s.stderr()).toMatch(/SIGINT: closing the local cloud/);
    expect(motoServersOn(motoPort!)).toEqual([]);
  });

  it('killed hard (SIGKILL, a CI timeout: no handler runs) leaves no moto_server behind', async () => {
    const s = start(['--runs', '50'], { viaNode: true });
    const [, motoPort] = await s.waitFor(/Local cloud up in \d+ ms \(.*moto :(\d+)/);
    expect(motoServersOn(motoPort!)).toHaveLength(1);
    s.child.kill('SIGKILL');
    await s.exit;
    // The kernel signals moto when its parent dies (local/moto/server.ts); give it a moment.
    for (let i = 0; i < 30 && motoServersOn(motoPort!).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(motoServersOn(motoPort!)).toEqual([]);
  });

  it('--interactive shows each SMS and takes the code typed on stdin (piped here): PASS', async () => {
    const s = start(['--interactive']);
    const answered: string[] = [];
    for (const kind of ['verification', 'authentication']) {
      const m = await s.waitFor(new RegExp(`SMS to \\+\\*+0100: Your ${kind} code is (\\d{6})`));
      s.child.stdin!.write(`${m[1]}\n`);
      answered.push(m[1]!);
    }
    const { code } = await s.exit;
    expect(code).toBe(0);
    expect(s.stdout()).toMatch(/callback answered 202 accepted \(SIGN_UP\)/);
    expect(s.stdout()).toMatch(/callback answered 202 accepted \(MFA\)/);
    expect(s.stdout()).toMatch(/^PASS: provisioned, 1\/1/m);
    expect(answered).toHaveLength(2);
  });

  it('--interactive with stdin closed before a code: the run is stopped, FAIL, exit 1', async () => {
    const s = start(['--interactive']);
    s.child.stdin!.end();
    const { code } = await s.exit;
    expect(code).toBe(1);
    expect(s.stdout()).toMatch(/stdin closed before a code was typed/);
    expect(s.stdout()).toMatch(/^FAIL: provisioned, 0\/1/m);
  });

  it('--help prints the options; a bad option exits 2', async () => {
    const help = await finished(['--help']);
    expect(help.code).toBe(0);
    for (const opt of ['--runs', '--kind', '--concurrency', '--code-source', '--interactive', '--keep-running', '--json'])
      expect(help.stdout).toContain(opt);
    const route = await finished(['--code-source', 'carrier-pigeon']);
    expect(route.code).toBe(2);
    expect(route.stderr).toContain('--code-source must be one of inbound-sms, custom-sender, twilio, callback');
    const kind = await finished(['--kind', 'login']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind must be one of signin, signup');
    const bad = await finished(['--runs', 'zero']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runs must be an integer/);
    // Number() would take these; the options take plain digits, within their range.
    for (const [opt, value] of [
      ['--runs', '1e2'],
      ['--concurrency', '0x2'],
      ['--sms-delay', '4294967296'],
    ]) {
      const refused = await finished([opt!, value!]);
      expect({ opt, code: refused.code }).toEqual({ opt, code: 2 });
      expect(refused.stderr).toContain(`${opt} must be an integer from`);
    }
  });

  it("SIGHUP (the terminal closed) with --keep-running closes everything, endpoints file included, with the runs' verdict", async () => {
    const s = start(['--keep-running'], { viaNode: true });
    await s.waitFor(/Waiting for Ctrl-C/);
    const motoPort = new URL(s.stdout().match(/export AWS_ENDPOINT_URL_IAM=(\S+)/)![1]!).port;
    expect(existsSync(ENDPOINTS_FILE)).toBe(true);
    s.child.kill('SIGHUP');
    const { code } = await s.exit;
    expect(code).toBe(0); // --keep-running treats any stop signal as "done": the runs had passed
    expect(motoServersOn(motoPort)).toEqual([]);
    expect(existsSync(ENDPOINTS_FILE)).toBe(false);
  });

  it('SIGHUP during the runs closes the local cloud and exits 129', async () => {
    const s = start(['--runs', '50'], { viaNode: true });
    const [, motoPort] = await s.waitFor(/Local cloud up in \d+ ms \(.*moto :(\d+)/);
    await s.waitFor(/✓ verify#1 +PrepareRun /);
    s.child.kill('SIGHUP');
    const { code } = await s.exit;
    expect(code).toBe(129);
    expect(motoServersOn(motoPort!)).toEqual([]);
  });

  it('a reader that goes away (`npm start | head -1`) stops it quietly: no stack trace, no moto left', async () => {
    const s = start(['--runs', '50']);
    const [, motoPort] = await s.waitFor(/Local cloud up in \d+ ms \(.*moto :(\d+)/);
    s.child.stdout!.destroy();
    const { code } = await s.exit;
    expect(code).toBe(141);
    expect(s.stderr()).not.toMatch(/Unhandled|EPIPE|\n\s+at /);
    expect(motoServersOn(motoPort!)).toEqual([]);
  });
});
