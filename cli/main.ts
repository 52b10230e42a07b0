import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { callbackSecret, ConfigError, readLocalEndpoints, readStageEndpoints, type Endpoints } from './config';
import { followExecution } from './follow';
import { Backoff, type PollOptions } from './poll';
import { byRegion, recentRuns, successRate, withTargetRegions } from './history';
import { submitCode } from './submit';
import { verifySandboxPhone } from './sandbox';
import { showSms } from './sms';
import { commandUsage, optionsOf, UsageError } from './usage';
import { duration, stepNote, verdict } from './stepLine';
import { maskPhone, PHONE_NUMBER } from '../lib/phone';
import { CHECK_KINDS } from '../lib/verify/kind';
import {
  checkAuthFlow,
  checkClientId,
  refuseSignUpOnReplicaTarget,
  runFacts,
  runTarget,
  targetArgs,
  targetRegion,
  userPoolRegion,
} from './target';

export const USAGE = `Usage: cogcheck <command> (--stage <stage> [--region <region>] | --local) [--json]
       (from a checkout: npm run cli -- <command> ...)

Commands:
  provision   [--input '<json>']           run the provisioning state machine and follow it
  verify      (--target <name> | --user-pool-id <id> --client-id <id>)
              [--kind signin|signup] [--auth-flow password|srp|user-auth|sms-otp]
              [--phone <+E164>] [--interactive] [--timeouts '<json>']
                                           run a synthetic SMS MFA check and follow it: signup (the
                                           default) signs a new user up, signin a standing user in;
                                           the flow: the target's, else the client's default (Amplify
                                           apps use srp; sms-otp, passwordless SMS sign-in, only when
                                           named); without --phone, the stage's inbound-SMS
                                           number (inboundPhoneNumberId); --interactive asks for each
                                           SMS code as it is awaited
  target add  --name <name> --user-pool-id <id> --client-id <id>
              [--auth-flow password|srp|user-auth|sms-otp] [--pool-region <region>]
                                           record a pool and app client you already have as a check
                                           target (Region from the pool id); reads them, changes
                                           nothing, and prints what a check needs that they lack;
                                           a pool Region names the pool's replica there
  target list                              the stage's targets, provisioned and added
  target show <name>                       a target's record and its readiness, read now
  target remove <name>                     delete an added target's record (never anything in
                                           Cognito); a provisioned one goes with teardown
  teardown    [--input '<json>']           delete what provisioning created
  submit-code --phone <+E164> | --run-id <id>, and --code <digits> | --message "<sms text>"
              [--secret <s>] [--url <callback url>]
                                           sign and POST a code to the callback
  sms-sandbox-verify --phone <+E164> [--timeout-seconds N]
                                           while the account is in the SNS SMS sandbox: add the check
                                           phone as a destination and verify it with the one-time
                                           password that comes back through the stack's inbound route
  status      [--limit N]                  the last N runs (default 10) and the success rate
  history     [--limit N]                  same as status, with step timings
  sms         --local [--phone <+E164>] [--last]
                                           what the local fake phone received: time, phone, code, run
  help        [<command>]                  this text, or one command's (also: <command> --help)

Targets: --stage reads the deployed stack's outputs (cognito-sms-mfa-<stage>); --local uses the
local cloud that 'npm start -- --keep-running' keeps up. --json prints one JSON document instead of
lines. Exit codes: 0 success/PASS, 1 the run failed, 2 bad usage or configuration, 3 the callback
refused the code.`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Rewrites the current terminal line (the wait spinner); without it, waits are announced by a line. */
  write?: (text: string) => void;
  isTTY: boolean;
  stdin: NodeJS.ReadableStream;
}

const OPTIONS = {
  stage: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  input: { type: 'string' },
  target: { type: 'string' },
  phone: { type: 'string' },
  timeouts: { type: 'string' },
  interactive: { type: 'boolean', default: false },
  code: { type: 'string' },
  message: { type: 'string' },
  'run-id': { type: 'string' },
  secret: { type: 'string' },
  url: { type: 'string' },
  limit: { type: 'string', default: '10' },
  'timeout-seconds': { type: 'string' },
  last: { type: 'boolean', default: false },
  name: { type: 'string' },
  'user-pool-id': { type: 'string' },
  'client-id': { type: 'string' },
  'auth-flow': { type: 'string' },
  'pool-region': { type: 'string' },
  kind: { type: 'string' },
} as const;

/** Options every command takes: where to send the calls, output format, help. */
const COMMON_OPTIONS = ['stage', 'region', 'local', 'json', 'help'];

/**
 * Runs one command; returns the exit code. Usage mistakes (unknown command or option, a missing
 * target) are told on stderr in a line with a hint, exit 2; `--help` and `help` print usage, exit 0.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cogcheck: ${error.message}`);
      if (error.hint) io.err(error.hint);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`cogcheck: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    const words = rest.filter((a) => !a.startsWith('-'));
    // `help target add`: the target commands are two words.
    const topic =
      (words[0] === 'target' && words[1] ? `target ${words[1]}` : words[0]) ?? (first === 'help' && rest.length > 0 ? 'help' : undefined);
    io.out(topic ? usageOf(topic) : USAGE);
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError(`the command comes first (${first} is an option)`, 'cogcheck --help lists the commands');
  if (first === 'target' && (rest[0] === undefined || rest[0].startsWith('-'))) {
    const asked = rest.includes('--help') || rest.includes('-h');
    (asked ? io.out : io.err)(usageOf('target'));
    return asked ? 0 : 2;
  }
  const command = first === 'target' ? `target ${rest.shift()}` : first;
  const usage = usageOf(command);
  const o = parseOptions(command, rest);
  if (o.help) {
    io.out(usage);
    return 0;
  }
  return run(command, o, io);
}

function usageOf(command: string): string {
  if (command === 'target') {
    // The four target commands' lines, as they stand in the usage.
    const lines = USAGE.split('\n');
    const start = lines.findIndex((l) => l.startsWith('  target '));
    const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l) && !l.startsWith('  target '));
    return [
      'Usage: cogcheck target add|list|show|remove ...',
      '',
      ...lines.slice(start, end),
      '',
      USAGE.slice(USAGE.indexOf('\nTargets:') + 1),
    ].join('\n');
  }
  const usage = commandUsage(USAGE, command);
  if (!usage) throw new UsageError(`unknown command "${command}"`, 'cogcheck --help lists the commands');
  return usage;
}

type Options = ReturnType<typeof parseOptions>;

/** The options, checked against the ones this command's usage names (and the common ones). */
function parseOptions(command: string, args: string[]) {
  const hint = `cogcheck ${command} --help shows its usage`;
  let parsed;
  try {
    // `target show <name>` and `target remove <name>` take the name as an argument.
    parsed = parseArgs({ args, options: OPTIONS, strict: true, tokens: true, allowPositionals: /^target (show|remove)$/.test(command) });
  } catch (error) {
    const e = error as Error & { code?: string };
    if (!e.code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const unknown = /^Unknown option '([^']+)'/.exec(e.message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : e.message.split('. ')[0]!, hint);
  }
  const allowed = new Set([...COMMON_OPTIONS, ...optionsOf(USAGE, command)]);
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'option' && !allowed.has(token.name)) throw new UsageError(`${command} takes no --${token.name}`, hint);
  }
  return { ...parsed.values, positionals: parsed.positionals };
}

async function run(command: string, o: Options, io: Io): Promise<number> {
  const hint = `cogcheck ${command} --help shows its usage`;
  // What the command needs from its options, checked before any call is made.
  const machineInput: Record<string, unknown> = {};
  if (command === 'provision' || command === 'teardown') Object.assign(machineInput, o.input ? parseJson(o.input, '--input') : {});
  const target = command.startsWith('target ') ? targetArgs(command.slice('target '.length), o, o.positionals) : undefined;
  if (command === 'verify') {
    const byIds = o['user-pool-id'] !== undefined || o['client-id'] !== undefined;
    if (o.target && byIds) throw new UsageError('give --target <name> or --user-pool-id + --client-id, not both', hint);
    if (!o.target && !(o['user-pool-id'] && o['client-id']))
      throw new UsageError(
        'verify needs --target <name>, or --user-pool-id <id> and --client-id <id> (and --phone, unless the stage has an inbound-SMS number)',
        hint,
      );
    if (o.kind !== undefined && !(CHECK_KINDS as readonly string[]).includes(o.kind))
      throw new UsageError(`--kind must be one of ${CHECK_KINDS.join(', ')}`, hint);
    if (o.kind) machineInput.kind = o.kind;
    if (o.target) machineInput.target = o.target;
    else {
      userPoolRegion(o['user-pool-id']!);
      checkClientId(o['client-id']!);
      machineInput.userPoolId = o['user-pool-id'];
      machineInput.clientId = o['client-id'];
    }
    const authFlow = checkAuthFlow(o['auth-flow']);
    if (authFlow) machineInput.authFlow = authFlow;
    if (o.phone !== undefined && !PHONE_NUMBER.pattern.test(o.phone))
      throw new UsageError('--phone must be an E.164 number, e.g. +15555550100', hint);
    if (o.phone) machineInput.phoneNumber = o.phone;
    if (o.timeouts) machineInput.timeouts = parseJson(o.timeouts, '--timeouts');
  }
  if (command === 'submit-code') {
    if (!o.phone && !o['run-id']) throw new UsageError('submit-code needs --phone <+E164> or --run-id <id>', hint);
    if (!o.code && !o.message) throw new UsageError('submit-code needs --code <digits> or --message "<sms text>"', hint);
  }
  if (command === 'sms-sandbox-verify' && !(o.phone && PHONE_NUMBER.pattern.test(o.phone))) {
    throw new UsageError('sms-sandbox-verify needs --phone <+E164>', hint);
  }
  const timeoutSeconds = o['timeout-seconds'] === undefined ? undefined : Number(o['timeout-seconds']);
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
    throw new UsageError('--timeout-seconds must be an integer from 1 to 3600', hint);
  }
  const limit = Number(o.limit);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new UsageError('--limit must be an integer from 1 to 1000', hint);
  if (!o.local && !o.stage) throw new UsageError('give --stage <stage> (a deployed stack) or --local (npm start -- --keep-running)', hint);
  // A deployed stage's SMS reach real phones: say so before reading its stack.
  if (command === 'sms' && !o.local)
    throw new UsageError("sms reads the local cloud's fake phone only: use --local with npm start -- --keep-running up", hint);

  const endpoints: Endpoints = o.local ? readLocalEndpoints() : await readStageEndpoints(o.stage!, o.region);
  const sfn = new SFNClient({ region: endpoints.region });
  // Throttled Step Functions calls are waited out, and said so on stderr.
  const poll: PollOptions = {
    onThrottled: ({ operation, waitMs }) => io.err(`  (Step Functions throttled ${operation}; retrying in ${waitMs} ms)`),
  };
  const print = (value: unknown, text: () => string) => io.out(o.json ? JSON.stringify(value, null, 2) : text());
  try {
    if (target) return await runTarget(target, endpoints, io, o.json);
    switch (command) {
      case 'provision':
      case 'teardown':
      case 'verify':
        if (o.target) await refuseSignUpOnReplicaTarget(endpoints, o.target, o.kind);
        return await runMachine(command, machineInput);
      case 'submit-code': {
        const body: Record<string, string> = {};
        if (o.phone) body.phoneNumber = o.phone;
        if (o['run-id']) body.runId = o['run-id'];
        if (o.code) body.code = o.code;
        if (o.message) body.message = o.message;
        const result = await submitCode(o.url ?? endpoints.callbackUrl, await callbackSecret(endpoints, o.secret), body);
        print(result, () => `${result.status} ${JSON.stringify(result.body)}`);
        return result.status === 202 ? 0 : 3;
      }
      case 'sms-sandbox-verify': {
        if (!endpoints.runsTable) throw new ConfigError('these endpoints name no runs table: deploy this version (output RunsTableName)');
        // The inbound route stores the password in the stage's runs table, where lib/runs reads it.
        process.env.RUNS_TABLE = endpoints.runsTable;
        const phone = o.phone!;
        const result = await verifySandboxPhone({ phone, timeoutSeconds, log: (l) => !o.json && io.out(l) });
        if (o.json) print({ phone: maskPhone(phone), result }, () => result);
        return 0;
      }
      case 'status':
      case 'history': {
        const runs = await withTargetRegions(await recentRuns(sfn, endpoints.stateMachines.verify, limit, poll), (name) =>
          targetRegion(endpoints, name),
        );
        const rate = successRate(runs);
        const regions = byRegion(runs);
        print({ runs, successRate: rate, byRegion: regions }, () =>
          [
            ...runs.map((r) => {
              const firstSignIn = r.firstSignIn === 'tokens-without-mfa' ? '  (first sign-in without MFA, second challenged)' : '';
              const line = `${r.startedAt ?? ''}  ${r.verdict.padEnd(7)} ${(r.reason ?? '').padEnd(20)} ${duration(r.durationMs).padStart(8)}  ${r.runId}${firstSignIn}`;
              const steps =
                command === 'history' && r.steps
                  ? `\n${r.steps.map((s) => `      ${s.name.padEnd(24)} ${duration(s.ms).padStart(8)}`).join('\n')}`
                  : '';
              return line + steps;
            }),
            // One line per Region when the runs checked pools in more than one.
            ...(Object.keys(regions).length < 2 ? [] : Object.entries(regions)).map(
              ([region, g]) =>
                `  ${region.padEnd(16)} ${g.successRate === undefined ? 'n/a' : `${Math.round(g.successRate * 100)}%`} of ${g.runs} run${g.runs === 1 ? '' : 's'}`,
            ),
            `success rate: ${rate === undefined ? 'n/a' : `${Math.round(rate * 100)}%`} over ${runs.filter((r) => r.verdict !== 'RUNNING').length} finished runs`,
          ].join('\n'),
        );
        return 0;
      }
      case 'sms':
        return await showSms(endpoints, { phone: o.phone, last: o.last, json: o.json }, io);
      default:
        // In the usage but not handled here: a bug, not a user's mistake.
        throw new Error(`command ${command} is listed in the usage but not implemented`);
    }
  } finally {
    sfn.destroy();
  }

  async function runMachine(machine: 'provision' | 'verify' | 'teardown', input: Record<string, unknown>): Promise<number> {
    // A throttled StartExecution started nothing, so asking again cannot start two runs.
    const started = await new Backoff(poll).call('StartExecution', () =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: endpoints.stateMachines[machine], input: JSON.stringify(input) })),
    );
    const executionArn = started.executionArn!;
    const runId = executionArn.split(':').pop()!;
    // The run's own ids once, here; each step line then says only what is new in it.
    if (!o.json) io.out(`▶ ${machine} run ${runId}`);
    let spinner: NodeJS.Timeout | undefined;
    const rl = o.interactive ? createInterface({ input: io.stdin, terminal: false }) : undefined;
    const lines = rl?.[Symbol.asyncIterator]();
    const final = await followExecution(
      sfn,
      executionArn,
      {
        onState: (step) => {
          if (o.json) return;
          const note = stepNote(step);
          const failed = note.startsWith('✗ ');
          io.out(
            `  ${failed ? '✗' : '✓'} ${step.state.padEnd(24)} ${duration(step.ms).padStart(8)}  ${failed ? note.slice(2) : note}`.trimEnd(),
          );
        },
        onAwait: ({ what, startedAt, timeoutSeconds }) => {
          if (o.interactive && lines) {
            io.out(`  ⏳ waiting for the ${what} SMS code; type it and press Enter:`);
            void lines.next().then(async ({ value, done }) => {
              if (done) return;
              const result = await submitCode(endpoints.callbackUrl, await callbackSecret(endpoints, o.secret), {
                runId,
                code: String(value).trim(),
              });
              io.out(`  callback answered ${result.status}`);
            });
          } else if (io.isTTY && io.write && !o.json) {
            const write = io.write;
            spinner = setInterval(() => {
              const elapsed = Math.round((Date.now() - startedAt) / 1000);
              const left = timeoutSeconds === undefined ? '' : `, ${Math.max(0, timeoutSeconds - elapsed)} s left`;
              write(`\r  ⏳ waiting for the ${what} SMS code: ${elapsed} s${left}   `);
            }, 500);
          } else if (!o.json) {
            io.out(`  ⏳ waiting for the ${what} SMS code${timeoutSeconds ? ` (timeout ${timeoutSeconds} s)` : ''}`);
          }
        },
        onAwaitEnd: () => {
          if (spinner) {
            clearInterval(spinner);
            spinner = undefined;
            io.write?.('\r\x1b[K');
          }
        },
      },
      poll,
    );
    rl?.close();
    const outcome = { machine, ...final };
    const output = final.output ? (JSON.parse(final.output) as Record<string, string>) : undefined;
    // A verify run's kind, flow and Region, whether it passed or not.
    const facts = machine === 'verify' ? await runFacts(endpoints, input, output) : {};
    print(
      {
        executionArn,
        runId,
        ...facts,
        status: final.status,
        verdict: verdict(outcome),
        error: final.error,
        cause: final.cause,
        failedIn: final.failedIn,
        output,
      },
      () => verdict(outcome),
    );
    return final.status === 'SUCCEEDED' ? 0 : 1;
  }
}

function parseJson(text: string, flag: string): object {
  try {
    return JSON.parse(text) as object;
  } catch {
    const example = flag === '--input' ? `'{"userPoolName":"Shop"}'` : `'{"signUpCodeSeconds":60}'`;
    throw new UsageError(`${flag} is not valid JSON`, `e.g. ${flag} ${example}`);
  }
}
