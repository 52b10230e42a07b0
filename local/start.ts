/**
 * `npm start`: boots the embedded local cloud, provisions a pool with the provisioning state
 * machine, verifies it end to end with the verification state machine (SMS codes delivered by
 * the fake phone through the signed callback API), prints a verdict, exits 0 (PASS) or 1.
 *
 *   npm start -- [--runs N] [--concurrency C] [--phone +15555550100] [--json]
 *                [--interactive] [--keep-running] [--teardown]
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud } from './cloud';
import { stepTracker, type StepLine } from './report';
import { sign } from '../lib/signature';
import { maskPhone } from '../lib/phone';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1' },
    phone: { type: 'string', default: '+15555550100' },
    json: { type: 'boolean', default: false },
    interactive: { type: 'boolean', default: false },
    'keep-running': { type: 'boolean', default: false },
    teardown: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const out = (line: string) => {
  if (!args.json) process.stdout.write(`${line}\n`);
};

interface ExecutionResult { name: string; status: string; error?: string; cause?: string; output?: unknown; ms: number }

async function runExecution(cloud: LocalCloud, sfn: SFNClient, machine: string, input: object, name?: string): Promise<ExecutionResult> {
  const started = performance.now();
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn(machine), input: JSON.stringify(input), name }),
  );
  const final = await cloud.engine.waitForExecution(executionArn!);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return {
    name: executionArn!.split(':').pop()!,
    status: String(described.status ?? final.status),
    error: described.error,
    cause: described.cause,
    output: described.output ? JSON.parse(described.output) : undefined,
    ms: performance.now() - started,
  };
}

/** The fake phone, shown to a person: each SMS is printed and the code typed back, as in the walkthrough. */
function interactivePhone(cloud: LocalCloud) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  let queue = Promise.resolve();
  cloud.onSms((sms) => {
    queue = queue.then(async () => {
      out(`\n📱 SMS to ${maskPhone(sms.phoneNumber)}: ${sms.message}`);
      const code = (await rl.question('   type the code: ')).trim();
      const body = JSON.stringify({ phoneNumber: sms.phoneNumber, code });
      const response = await fetch(`${cloud.urls.api}/codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': sign(cloud.callbackSecret, body) },
        body,
      });
      out(`   callback answered ${response.status}`);
    });
  });
  return () => rl.close();
}

async function main(): Promise<number> {
  if (args.help) {
    process.stdout.write(`${String(require('node:fs').readFileSync(__filename, 'utf8').split('*/')[0])}*/\n`);
    return 0;
  }
  const runs = Math.max(1, Number(args.runs));
  const concurrency = Math.max(1, Math.min(Number(args.concurrency), runs));
  const t0 = performance.now();
  out('Starting the local cloud (moto, cognito-local, Step Functions, callback API)…');
  const cloud = await startLocalCloud({ smsDelivery: args.interactive ? 'none' : 'webhook' });
  const stopInteractive = args.interactive ? interactivePhone(cloud) : () => undefined;
  let firstStateMs: number | undefined;
  const lines: StepLine[] = [];
  cloud.engine.on(
    'event',
    stepTracker((line) => {
      firstStateMs ??= performance.now() - t0;
      lines.push(line);
      const mark = line.status === 'ok' ? '✓' : '✗';
      out(`  ${mark} ${line.execution.slice(0, 12).padEnd(12)} ${line.state.padEnd(24)} ${String(Math.round(line.ms)).padStart(6)} ms  ${line.summary}`);
    }),
  );
  out(`Local cloud up in ${Math.round(cloud.timings.ready)} ms.`);
  const sfn = new SFNClient({});
  let exitCode = 1;
  try {
    out('\n▶ provision');
    const provision = await runExecution(cloud, sfn, 'provision', {});
    if (provision.status !== 'SUCCEEDED') {
      out(`\nFAIL provisioning: ${provision.error}: ${provision.cause}`);
      report({ provision, verifications: [], firstStateMs, t0 });
      return 1;
    }
    const target = (provision.output as { targetName: string }).targetName;
    out(`\n▶ verify ×${runs} (concurrency ${concurrency})`);
    const phones = Array.from({ length: concurrency }, (_, i) => phoneWithOffset(args.phone!, i));
    const verifications: ExecutionResult[] = [];
    let next = 0;
    await Promise.all(
      phones.map(async (phoneNumber) => {
        while (next < runs) {
          next++;
          verifications.push(await runExecution(cloud, sfn, 'verify', { target, phoneNumber }));
        }
      }),
    );
    if (args.teardown) {
      out('\n▶ teardown');
      const teardown = await runExecution(cloud, sfn, 'teardown', {});
      if (teardown.status !== 'SUCCEEDED') verifications.push(teardown);
    }
    exitCode = report({ provision, verifications, firstStateMs, t0 });
    if (args['keep-running']) {
      printEndpoints(cloud, provision);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return exitCode;
  } finally {
    stopInteractive();
    sfn.destroy();
    await cloud.close();
  }

  function report(r: { provision: ExecutionResult; verifications: ExecutionResult[]; firstStateMs?: number; t0: number }): number {
    const failed = r.verifications.filter((v) => v.status !== 'SUCCEEDED');
    const pass = r.provision.status === 'SUCCEEDED' && failed.length === 0 && r.verifications.length > 0;
    const totalMs = performance.now() - r.t0;
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ verdict: pass ? 'PASS' : 'FAIL', totalMs, firstStateMs: r.firstStateMs, stackReadyMs: cloud.timings.ready, provision: r.provision, verifications: r.verifications }, null, 2)}\n`,
      );
      return pass ? 0 : 1;
    }
    const verifyLines = lines.filter((l) => l.execution === r.verifications[0]?.name);
    if (verifyLines.length) {
      out('\nStep timings (first verification run):');
      for (const l of verifyLines) out(`  ${l.state.padEnd(26)} ${String(Math.round(l.ms)).padStart(6)} ms`);
    }
    for (const f of failed) out(`\n✗ ${f.name}: ${f.error ?? f.status}: ${f.cause ?? ''}`);
    out(`\n${pass ? 'PASS' : 'FAIL'}: provisioned, ${r.verifications.length - failed.length}/${r.verifications.length} verification runs passed in ${Math.round(totalMs)} ms (first state after ${Math.round(r.firstStateMs ?? 0)} ms).`);
    return pass ? 0 : 1;
  }
}

function phoneWithOffset(phone: string, offset: number): string {
  const digits = phone.slice(1);
  const last = (Number(digits.slice(-4)) + offset) % 10000;
  return `+${digits.slice(0, -4)}${String(last).padStart(4, '0')}`;
}

function printEndpoints(cloud: LocalCloud, provision: ExecutionResult) {
  out('\nThe local cloud keeps running (Ctrl-C to stop). Point the AWS CLI or any SDK at it:');
  for (const [k, v] of Object.entries(cloud.env)) out(`  export ${k}=${v}`);
  out(`  # state machines: ${['provision', 'verify', 'teardown'].map((m) => cloud.stateMachineArn(m)).join(' ')}`);
  out(`  # callback: POST ${cloud.urls.api}/codes  (user pool ${(provision.output as { userPoolId: string }).userPoolId})`);
  out('  aws cognito-idp list-user-pools --max-results 10');
  out(`  aws stepfunctions list-executions --state-machine-arn ${cloud.stateMachineArn('verify')}`);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exit(1);
  },
);
