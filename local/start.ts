/**
 * `npm start`: boots the embedded local cloud, provisions a pool with the provisioning state
 * machine, verifies it end to end with the verification state machine (SMS codes delivered by
 * the fake phone through the signed callback API), prints a verdict, exits 0 (PASS) or 1.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { CODE_SOURCES, startLocalCloud, type CodeSource, type LocalCloud } from './cloud';
import { redact, stateTransitions, stepsFromHistory, stepTable, stepTracker, table, median, type Step } from './report';
import { LOCAL_ENDPOINTS_FILE, writeLocalEndpoints } from '../cli/config';
import { localCloudEndpoints } from './cliEndpoints';
import { submitCode } from '../cli/submit';
import { maskPhone } from '../lib/phone';

// The handlers' SDK clients run in this process, on Node 20: no upgrade nag on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: npm start -- [options]

Boots the local cloud on loopback (moto, cognito-local with a fake phone, the local Step Functions
engine, the callback API), runs the provisioning state machine, then the verification state
machine, and prints a line per state, a table of step timings and a verdict.
Exit code: 0 on PASS, 1 on FAIL, 2 on bad options, 130/143 when interrupted.

Options:
  --runs N            verification runs (default 1)
  --concurrency C     runs at a time, each on its own phone number (default 1)
  --phone E164        first phone number (default +15555550100; the next ones count up)
  --code-source S     how codes come back to the runs (default inbound-sms):
                        inbound-sms    two-way SMS: the phone's SMS published to the inbound topic
                        custom-sender  the pool's Custom SMS Sender gets the code (KMS), no SMS sent
                        twilio         the phone is a Twilio number: signed inbound-SMS webhook
                        callback       the signed POST /codes a relay script would send
  --sms-delay MS      delay before the fake phone hands over an SMS (default 20)
  --first-sign-in-without-mfa
                      Cognito as documented for a new user: the first sign-in after the sign-up
                      confirmation returns tokens without an MFA challenge; the check then signs
                      in again and requires SMS_MFA (default: the first sign-in is challenged)
  --interactive       the fake phone shows each SMS and you type the code (stdin may be piped;
                      the code goes back through the signed callback)
  --keep-running      after the runs, print the endpoints and AWS_ENDPOINT_URL_* variables and
                      stay up until Ctrl-C / SIGTERM
  --teardown          run the teardown state machine after the verifications
  --json              print only one JSON report on stdout
  --lambda-logs       show the Lambdas' logs and metrics (on stderr)
  --help              this text
`;

type Args = {
  runs: number;
  concurrency: number;
  phone: string;
  codeSource: CodeSource;
  smsDelay?: number;
  firstSignInWithoutMfa: boolean;
  json: boolean;
  interactive: boolean;
  keepRunning: boolean;
  teardown: boolean;
  lambdaLogs: boolean;
  help: boolean;
};

class UsageError extends Error {}

function readArgs(argv: string[]): Args {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1' },
      phone: { type: 'string', default: '+15555550100' },
      'code-source': { type: 'string', default: 'inbound-sms' },
      'sms-delay': { type: 'string' },
      'first-sign-in-without-mfa': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      interactive: { type: 'boolean', default: false },
      'keep-running': { type: 'boolean', default: false },
      teardown: { type: 'boolean', default: false },
      'lambda-logs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const int = (name: string, text: string, min: number, max = 1_000_000) => {
    // Digits only: Number() would also take "1e2", "0x2" or " 3".
    const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
    return n;
  };
  if (!/^\+[1-9]\d{6,14}$/.test(v.phone!)) throw new UsageError(`--phone must be an E.164 number such as +15555550100`);
  const runs = int('runs', v.runs!, 1);
  const codeSource = v['code-source'] as CodeSource;
  if (!CODE_SOURCES.includes(codeSource)) throw new UsageError(`--code-source must be one of ${CODE_SOURCES.join(', ')}, got "${codeSource}"`);
  if (v.interactive && codeSource === 'custom-sender') throw new UsageError('--interactive needs an SMS to show: the custom-sender pool sends none');
  return {
    runs,
    concurrency: Math.min(int('concurrency', v.concurrency!, 1), runs),
    phone: v.phone!,
    codeSource,
    // An hour at most: longer than any code wait (so late-code runs can be tried), and far below
    // what Node can time.
    smsDelay: v['sms-delay'] === undefined ? undefined : int('sms-delay', v['sms-delay'], 0, 3_600_000),
    firstSignInWithoutMfa: v['first-sign-in-without-mfa']!,
    json: v.json!,
    interactive: v.interactive!,
    keepRunning: v['keep-running']!,
    teardown: v.teardown!,
    lambdaLogs: v['lambda-logs']!,
    help: v.help!,
  };
}

// ---------------------------------------------------------------------------------------------
// Output. Only this script writes to stdout: the handlers run in this process, and what they log
// (Powertools logs, EMF metrics) would be CloudWatch Logs in AWS. It goes to stderr with
// --lambda-logs, nowhere otherwise, so `--json` really prints one JSON document.
const writeStdout = process.stdout.write.bind(process.stdout) as (chunk: string) => boolean;
/** Set once stdout's reader went away (EPIPE): nothing more is written there. */
let stdoutClosed = false;
const stdoutWrite = (chunk: string) => (stdoutClosed ? false : writeStdout(chunk));
let lambdaLogs = false;
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  if (lambdaLogs) return (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest);
  const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  cb?.();
  return true;
}) as typeof process.stdout.write;

interface Output { line(text: string): void; info(text: string): void; prompt(text: string): void }
function output(json: boolean): Output {
  // Human lines go to stdout, or to stderr (only what a person must see) under --json.
  return {
    line: (text) => {
      if (!json) stdoutWrite(`${text}\n`);
    },
    info: (text) => (json ? process.stderr.write(`${text}\n`) : stdoutWrite(`${text}\n`)) as unknown as void,
    prompt: (text) => (json ? process.stderr.write(text) : stdoutWrite(text)) as unknown as void,
  };
}

// ---------------------------------------------------------------------------------------------

interface RunReport {
  machine: string;
  name: string;
  executionArn: string;
  phone?: string;
  status: string;
  error?: string;
  cause?: string;
  ms: number;
  stateTransitions: number;
  lambdaInvocations: number;
  steps: Step[];
  output?: unknown;
}

/** Lambda invocations per execution: the engine records LambdaFunctionStarted/TaskStarted and calls the Lambda right after, synchronously. */
function attributeInvocations(cloud: LocalCloud) {
  const counts = new Map<string, number>();
  let owner: string | undefined;
  cloud.engine.on('event', (arn: string, event: { type?: string; taskStartedEventDetails?: unknown }) => {
    if (event.type === 'LambdaFunctionStarted') owner = arn;
    else if (event.type === 'TaskStarted' && (event.taskStartedEventDetails as { resourceType?: string } | undefined)?.resourceType === 'lambda') owner = arn;
  });
  const invoke = cloud.lambda.invoke.bind(cloud.lambda);
  cloud.lambda.invoke = (functionArn, payload) => {
    const key = owner ?? '(unattributed)';
    owner = undefined;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return invoke(functionArn, payload);
  };
  return (executionArn: string) => counts.get(executionArn) ?? 0;
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The fake phone, shown to a person: each SMS is printed and the typed code is POSTed, signed, to the callback. */
class InteractivePhone {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private queue = Promise.resolve();
  private readonly stopListening: () => void;

  constructor(
    private readonly cloud: LocalCloud,
    private readonly out: Output,
    private readonly onNoMoreInput: () => void,
  ) {
    // Lines are queued as they come, so piped input typed ahead is not lost.
    this.rl = createInterface({ input: process.stdin, terminal: false });
    this.rl.on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
    this.stopListening = cloud.onSms((sms) => {
      this.queue = this.queue.then(() => this.answer(sms.phoneNumber, sms.message)).catch((e: Error) => this.out.info(`   ✗ ${e.message}`));
    });
  }

  private nextLine(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async answer(phoneNumber: string, message: string) {
    const masked = maskPhone(phoneNumber);
    this.out.info(`📱 SMS to ${masked}: ${message.trim()}`);
    let code: string | undefined;
    do {
      // A terminal echoes what is typed on the prompt's line; piped input does not, so end the line.
      this.out.prompt(`   type the code for ${masked}: ${process.stdin.isTTY ? '' : '\n'}`);
      code = (await this.nextLine())?.trim();
    } while (code === '');
    if (code === undefined) {
      this.out.info('\n   stdin closed before a code was typed: stopping the runs.');
      this.onNoMoreInput();
      return;
    }
    const response = await submitCode(`${this.cloud.urls.api}/codes`, this.cloud.callbackSecret, { phoneNumber, code });
    const answer = (response.body ?? {}) as { status?: string; step?: string; error?: { code?: string } };
    this.out.info(`   callback answered ${response.status} ${answer.status ?? answer.error?.code ?? ''}${answer.step ? ` (${answer.step})` : ''}`);
  }

  close() {
    this.stopListening();
    this.rl.close();
    process.stdin.destroy();
  }
}

function phoneWithOffset(phone: string, offset: number): string {
  const digits = phone.slice(1);
  const last = (Number(digits.slice(-4)) + offset) % 10000;
  return `+${digits.slice(0, -4)}${String(last).padStart(4, '0')}`;
}

const shortId = () => randomUUID().slice(0, 8);

/** Set on Ctrl-C / SIGTERM: what fails after it (moto killed mid-start, say) is the interruption, not an error. */
let interruptedBy: NodeJS.Signals | undefined;
const interruptedExit = (signal: NodeJS.Signals) => 128 + (constants.signals[signal] ?? 15);

// ---------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = readArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    stdoutWrite(HELP);
    return 0;
  }
  lambdaLogs = args.lambdaLogs;
  const out = output(args.json);
  const mainStartedMs = performance.now();

  // Ctrl-C / SIGTERM at any point: close the cloud (moto included), then exit. A second signal exits at once.
  let cloud: LocalCloud | undefined;
  let cloudStarting: Promise<LocalCloud> | undefined;
  let interactive: InteractivePhone | undefined;
  let sfn: SFNClient | undefined;
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      if (args.keepRunning) rmSync(LOCAL_ENDPOINTS_FILE, { force: true });
      interactive?.close();
      sfn?.destroy();
      const c = cloud ?? (await cloudStarting?.catch(() => undefined));
      await c?.close();
    })());
  let releaseKeepRunning: (() => void) | undefined;
  let signalledAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (releaseKeepRunning) return releaseKeepRunning();
    if (signalledAt !== undefined) {
      // tsx may relay the terminal's Ctrl-C a moment later: only a second, deliberate one forces the exit.
      if (performance.now() - signalledAt > 1000) process.exit(interruptedExit(signal));
      return;
    }
    signalledAt = performance.now();
    interruptedBy = signal;
    process.stderr.write(`\n${signal}: closing the local cloud…\n`);
    void shutdown().finally(() => process.exit(interruptedExit(signal)));
  };
  // SIGHUP: the terminal was closed. moto runs in its own process group, so it never gets that one.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // stdout closed under us (`npm start | head`): stop as a pipe writer would on SIGPIPE, quietly.
  // Any other stdout error ends the output too, and still closes the cloud.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (error.code !== 'EPIPE') process.stderr.write(`stdout failed (${error.code ?? error.message}): closing the local cloud\n`);
    if (signalledAt === undefined) onSignal('SIGPIPE');
  });

  out.line('Starting the local cloud (moto, cognito-local, Step Functions, End User Messaging, callback API)…');
  cloudStarting = startLocalCloud({
    codeSource: args.interactive ? 'none' : args.codeSource,
    smsDelayMs: args.smsDelay,
    firstSignInWithoutMfa: args.firstSignInWithoutMfa,
    logLevel: args.lambdaLogs ? 'INFO' : undefined,
  });
  cloud = await cloudStarting;
  const c = cloud;
  // Created now: it reads AWS_ENDPOINT_URL_SFN, which the cloud has just set.
  const client = (sfn = new SFNClient({}));
  const lambdaCount = attributeInvocations(c);

  let firstStateMs: number | undefined;
  const labels = new Map<string, string>();
  c.engine.on(
    'event',
    stepTracker((line) => {
      const label = (labels.get(line.executionArn) ?? line.execution).padEnd(16);
      const mark = line.status === 'ok' ? '✓' : '✗';
      out.line(`  ${mark} ${label} ${line.state.padEnd(24)} ${String(Math.round(line.ms)).padStart(6)} ms  ${line.summary}`);
    }),
  );
  c.engine.on('event', (_arn: string, event: { type?: string }) => {
    if (firstStateMs === undefined && event.type?.endsWith('StateEntered')) firstStateMs = performance.now();
  });
  const port = (url: string) => new URL(url).port;
  out.line(
    `Local cloud up in ${Math.round(c.timings.ready ?? 0)} ms (Step Functions :${port(c.urls.stepFunctions)}, Cognito :${port(c.urls.cognito)}, moto :${port(c.urls.moto)}, callback API :${port(c.urls.api)}).`,
  );

  const running = new Set<string>();
  let stopReason: string | undefined;
  const stopAll = (error: string, cause: string) => {
    stopReason ??= cause;
    for (const executionArn of running) {
      try {
        c.engine.stopExecution({ executionArn, error, cause });
      } catch {
        // already finished
      }
    }
  };
  if (args.interactive) {
    interactive = new InteractivePhone(c, out, () => stopAll('NoCodeTyped', 'stdin closed before the code was typed'));
  }

  async function run(machine: string, input: object, label: string, phone?: string): Promise<RunReport> {
    const started = performance.now();
    const name = `${label.replace('#', '-')}-${shortId()}`;
    const executionArn = `${c.stateMachineArn(machine).replace(':stateMachine:', ':execution:')}:${name}`;
    labels.set(executionArn, label);
    running.add(executionArn);
    try {
      if (stopReason) throw new Error(stopReason);
      await client.send(new StartExecutionCommand({ stateMachineArn: c.stateMachineArn(machine), input: JSON.stringify(input), name }));
      await c.engine.waitForExecution(executionArn);
    } finally {
      running.delete(executionArn);
    }
    const ms = performance.now() - started;
    const [described, events] = await Promise.all([client.send(new DescribeExecutionCommand({ executionArn })), history(client, executionArn)]);
    return {
      machine,
      name,
      executionArn,
      phone: phone && maskPhone(phone),
      status: String(described.status),
      // Masked like everything else shown: a cause quotes whatever a Lambda's error said.
      error: redact(described.error) as string | undefined,
      cause: redact(described.cause) as string | undefined,
      ms,
      stateTransitions: stateTransitions(events),
      lambdaInvocations: lambdaCount(executionArn),
      steps: stepsFromHistory(events),
      output: described.output ? redact(JSON.parse(described.output)) : undefined,
    };
  }

  let provision: RunReport | undefined;
  const verifications: RunReport[] = [];
  const extra: RunReport[] = [];
  let verifyWallMs = 0;
  let fatal: Error | undefined;
  let exitCode: number;
  try {
    try {
      out.line('\n▶ provision');
      // The carrier-free route is a property of the pool: provisioning sets its Custom SMS Sender.
      provision = await run('provision', args.codeSource === 'custom-sender' ? { smsSender: 'custom-sender' } : {}, 'provision');
      if (provision.status === 'SUCCEEDED') {
        const target = (provision.output as { targetName: string }).targetName;
        out.line(`\n▶ verify ×${args.runs} (concurrency ${args.concurrency})`);
        const phones = Array.from({ length: args.concurrency }, (_, i) => phoneWithOffset(args.phone, i));
        let next = 0;
        const verifyStarted = performance.now();
        await Promise.all(
          phones.map(async (phoneNumber) => {
            while (next < args.runs && !stopReason) {
              const n = ++next;
              verifications.push(await run('verify', { target, phoneNumber }, `verify#${n}`, phoneNumber));
            }
          }),
        );
        verifyWallMs = performance.now() - verifyStarted;
        if (args.teardown && !stopReason) {
          out.line('\n▶ teardown');
          extra.push(await run('teardown', {}, 'teardown'));
        }
      }
    } catch (error) {
      fatal = error as Error;
    }
    exitCode = report();
    if (args.keepRunning && !fatal) {
      // So that `npm run cli -- <command> --local` finds this cloud.
      writeLocalEndpoints(localCloudEndpoints(c));
      printEndpoints(c, out);
      await new Promise<void>((resolve) => (releaseKeepRunning = resolve));
      out.info('\nStopping the local cloud…');
    }
    return exitCode;
  } finally {
    await shutdown();
  }

  function report(): number {
    const failed = verifications.filter((v) => v.status !== 'SUCCEEDED');
    const pass =
      !fatal &&
      provision?.status === 'SUCCEEDED' &&
      verifications.length === args.runs &&
      failed.length === 0 &&
      extra.every((e) => e.status === 'SUCCEEDED');
    const totalMs = performance.now();
    const verdict = pass ? 'PASS' : 'FAIL';
    const runsPerSecond = verifyWallMs > 0 ? verifications.length / (verifyWallMs / 1000) : undefined;
    if (args.json) {
      const doc = {
        verdict,
        codeSource: args.interactive ? 'interactive' : args.codeSource,
        ...(fatal && { error: `${fatal.name}: ${fatal.message}` }),
        // All times in ms; totalMs, firstStateMs and bootMs count from the start of this process (timeOrigin, epoch ms).
        totalMs,
        bootMs: mainStartedMs,
        timeOrigin: performance.timeOrigin,
        stackReadyMs: c.timings.ready,
        firstStateMs: firstStateMs,
        cloudTimings: c.timings,
        runs: args.runs,
        concurrency: args.concurrency,
        passed: verifications.length - failed.length,
        failed: failed.length + (args.runs - verifications.length),
        verifyWallMs,
        runsPerSecond,
        medianVerificationMs: verifications.length ? median(verifications.map((v) => v.ms)) : undefined,
        lambdaInvocationsTotal: c.lambda.invocations.length,
        // Invoked by the code route, not by a state machine: the inbound-SMS receiver (by SNS) or
        // the Custom SMS Sender (by Cognito), once per code.
        codeRouteInvocations: lambdaCount('(unattributed)'),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        provision,
        verifications,
        ...(extra.length && { teardown: extra[0] }),
      };
      stdoutWrite(`${JSON.stringify(doc, null, 2)}\n`);
      return pass ? 0 : 1;
    }
    if (provision) {
      out.line(`\nStep timings — provision (${provision.stateTransitions} state transitions, ${provision.lambdaInvocations} Lambda invocations):`);
      for (const l of stepTable([provision.steps])) out.line(l);
    }
    if (verifications.length) {
      const v0 = verifications[0]!;
      out.line(
        `\nStep timings — verification, ${verifications.length} run${verifications.length === 1 ? '' : 's'} (${v0.stateTransitions} state transitions, ${v0.lambdaInvocations} Lambda invocations per run):`,
      );
      for (const l of stepTable(verifications.map((v) => v.steps))) out.line(l);
    }
    const rows: (string | number)[][] = [
      ['stack up (startLocalCloud)', c.timings.ready ?? Number.NaN],
      ['first state (since process start)', firstStateMs ?? Number.NaN],
    ];
    if (provision) rows.push(['provision', provision.ms]);
    if (verifications.length) {
      rows.push([`verification (median of ${verifications.length})`, median(verifications.map((v) => v.ms))]);
      rows.push([`all verifications (${args.concurrency} at a time)`, verifyWallMs]);
    }
    for (const e of extra) rows.push([e.machine, e.ms]);
    rows.push(['total (since process start)', totalMs]);
    out.line('\nSummary:');
    for (const l of table(['', 'ms'], rows)) out.line(l);
    if (runsPerSecond !== undefined && verifications.length > 1) out.line(`  ${runsPerSecond.toFixed(1)} runs/s`);

    if (fatal) out.line(`\n✗ ${fatal.name}: ${fatal.message}`);
    if (provision && provision.status !== 'SUCCEEDED') out.line(`\n✗ provisioning ${provision.status}: ${provision.error ?? ''}: ${provision.cause ?? ''}`);
    for (const f of [...failed, ...extra.filter((e) => e.status !== 'SUCCEEDED')]) out.line(`✗ ${f.name} (${f.phone ?? f.machine}) ${f.status}: ${f.error ?? ''}: ${f.cause ?? ''}`);
    const passed = verifications.length - failed.length;
    out.line(`\nCodes came back by: ${args.interactive ? 'interactive (typed, signed callback)' : args.codeSource}.`);
    const skippedMfa = verifications.filter((v) => (v.output as { firstSignIn?: string } | undefined)?.firstSignIn === 'tokens-without-mfa').length;
    if (skippedMfa) out.line(`First sign-in returned tokens without MFA in ${skippedMfa}/${verifications.length} runs (a new user's, as Cognito documents); the second sign-in was challenged with SMS_MFA.`);
    out.line(
      `\n${verdict}: ${provision?.status === 'SUCCEEDED' ? 'provisioned' : 'provisioning failed'}, ${passed}/${args.runs} verification runs passed in ${Math.round(totalMs)} ms (first state after ${Math.round(firstStateMs ?? 0)} ms).`,
    );
    return pass ? 0 : 1;
  }
}

function printEndpoints(cloud: LocalCloud, out: Output) {
  const p = (t: string) => out.info(t);
  p('\nThe local cloud keeps running — Ctrl-C (or SIGTERM) stops it.');
  p('Endpoints:');
  p(`  Step Functions  ${cloud.urls.stepFunctions}`);
  p(`  Cognito         ${cloud.urls.cognito}`);
  p(`  moto            ${cloud.urls.moto}  (IAM, STS, SNS, DynamoDB, SSM, Secrets Manager, KMS)`);
  p(`  End User Msg.   ${cloud.urls.smsVoice}  (pinpoint-sms-voice-v2: phone numbers, SendTextMessage)`);
  p(`  callback API    POST ${cloud.urls.api}/codes   POST ${cloud.urls.api}/sms/twilio`);
  p(`  inbound SMS     topic ${cloud.refs.InboundSmsTopic}`);
  p(`Codes come back by: ${cloud.codeSource}.`);
  p('State machines:');
  for (const m of cloud.config.stateMachines) p(`  ${m.key.padEnd(10)} ${cloud.stateMachineArn(m.key)}`);
  p('Point the AWS CLI or any SDK at it (local credentials, not real ones):');
  for (const [k, v] of Object.entries(cloud.env)) p(`  export ${k}=${v}`);
  p('Then, for example:');
  p('  aws cognito-idp list-user-pools --max-results 10');
  p(`  aws stepfunctions list-executions --state-machine-arn ${cloud.stateMachineArn('verify')}`);
  p(`The ops CLI works too: npm run cli -- history --local   (endpoints in ${LOCAL_ENDPOINTS_FILE})`);
  p('Waiting for Ctrl-C…');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(interruptedBy ? interruptedExit(interruptedBy) : code),
  (error: Error) => {
    // The signal handler is closing the cloud and will exit; nothing failed.
    if (interruptedBy) return;
    process.stderr.write(`${error.name}: ${error.message}\n`);
    if (process.argv.includes('--json')) stdoutWrite(`${JSON.stringify({ verdict: 'FAIL', error: `${error.name}: ${error.message}` })}\n`);
    process.exit(1);
  },
);
