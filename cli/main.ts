import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { callbackSecret, ConfigError, readLocalEndpoints, readStageEndpoints, type Endpoints } from './config';
import { followExecution } from './follow';
import { Backoff, type PollOptions } from './poll';
import { getRun } from '../lib/runs/getRun';
import { byRegion, recentRuns, successRate, withTargetRegions } from './history';
import { submitCode } from './submit';
import { verifySandboxPhone } from './sandbox';
import { showSms } from './sms';
import { COMMANDS, commandSpec, optionsOf, type CommandSpec, type OptionValues } from './commands';
import { commandUsage, OptionRefused, overview, targetUsage, UsageError } from './usage';
import { reportArgs, runReport } from './report';
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

/** `cogcheck --help`, made from the command table (cli/commands.ts). */
export const USAGE = overview();

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Rewrites the current terminal line (the wait spinner); without it, waits are announced by a line. */
  write?: (text: string) => void;
  isTTY: boolean;
  stdin: NodeJS.ReadableStream;
}

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
  const usage = command === 'target' ? targetUsage() : commandUsage(command);
  if (!usage) throw new UsageError(`unknown command "${command}"`, 'cogcheck --help lists the commands');
  return usage;
}

type Options = OptionValues;

/** Every option some command takes: one the command at hand does not take is told so, not called unknown. */
const ANY_COMMAND_OPTION = new Set((COMMANDS as readonly CommandSpec[]).flatMap((c) => optionsOf(c).map((o) => o.name)));

/**
 * The options this command takes (its entry in cli/commands.ts), parsed; exported for the test
 * that holds the help and the README to what it accepts.
 */
export function parseOptions(command: string, args: string[]): Options {
  const hint = `cogcheck ${command} --help shows its usage`;
  const spec = commandSpec(command);
  if (!spec) throw new UsageError(`unknown command "${command}"`, 'cogcheck --help lists the commands');
  const options = Object.fromEntries(
    optionsOf(spec).map((o) => [
      o.name,
      o.value
        ? { type: 'string' as const, ...(o.default !== undefined && { default: o.default }) }
        : { type: 'boolean' as const, ...(o.name === 'help' && { short: 'h' }) },
    ]),
  );
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: spec.positional !== undefined });
    return { ...(parsed.values as Omit<Options, 'positionals'>), positionals: parsed.positionals };
  } catch (error) {
    const e = error as Error & { code?: string };
    if (!e.code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const given = /^Unknown option '([^']+)'/.exec(e.message)?.[1];
    if (given === undefined) throw new UsageError(e.message.split('. ')[0]!, hint);
    const unknown = given.replace(/^-+/, '');
    // A command for the local cloud only, given a stage: said as what it is for.
    if (spec.localOnly && (unknown === 'stage' || unknown === 'region')) throw new OptionRefused(unknown, spec.localOnly, hint);
    if (ANY_COMMAND_OPTION.has(unknown)) throw new OptionRefused(unknown, `${command} takes no --${unknown}`, hint);
    throw new OptionRefused(unknown, `unknown option ${given}`, hint);
  }
}

async function run(command: string, o: Options, io: Io): Promise<number> {
  const hint = `cogcheck ${command} --help shows its usage`;
  // What the command needs from its options, checked before any call is made.
  const machineInput: Record<string, unknown> = {};
  if (command === 'provision' || command === 'teardown') Object.assign(machineInput, o.input ? parseJson(o.input, '--input') : {});
  const target = command.startsWith('target ') ? targetArgs(command.slice('target '.length), o, o.positionals) : undefined;
  const report = command === 'report' ? reportArgs(o) : undefined;
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
    // Issue 18: none unless asked for: a person's one-off check answers at once (a schedule sends its check's).
    if (o.retries !== undefined) {
      if (!/^[0-2]$/.test(o.retries)) throw new UsageError('--retries must be 0, 1 or 2', hint);
      machineInput.retries = Number(o.retries);
    }
    // Codes typed here go back through the signed callback: a timeout then names that route.
    if (o.interactive) machineInput.codeRoute = 'callback';
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
  const limit = Number(o.limit ?? 10);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new UsageError('--limit must be an integer from 1 to 1000', hint);
  // A deployed stage's SMS reach real phones: sms says so before any stack is read.
  const localOnly = commandSpec(command)?.localOnly;
  if (localOnly && !o.local) throw new UsageError(localOnly, hint);
  if (!o.local && !o.stage) throw new UsageError('give --stage <stage> (a deployed stack) or --local (npm start -- --keep-running)', hint);

  const endpoints: Endpoints = o.local ? readLocalEndpoints() : await readStageEndpoints(o.stage!, o.region);
  const sfn = new SFNClient({ region: endpoints.region });
  // Throttled Step Functions calls are waited out, and said so on stderr.
  const poll: PollOptions = {
    onThrottled: ({ operation, waitMs }) => io.err(`  (Step Functions throttled ${operation}; retrying in ${waitMs} ms)`),
  };
  const print = (value: unknown, text: () => string) => io.out(o.json ? JSON.stringify(value, null, 2) : text());
  try {
    if (target) return await runTarget(target, endpoints, io, Boolean(o.json));
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
        // Issue 18: each check's attempts, linked, from the runs table when the endpoints name it.
        if (endpoints.runsTable) process.env.RUNS_TABLE = endpoints.runsTable;
        const readRun = endpoints.runsTable ? (id: string) => getRun(id).catch(() => undefined) : undefined;
        const runs = await withTargetRegions(await recentRuns(sfn, endpoints.stateMachines.verify, limit, poll, readRun), (name) =>
          targetRegion(endpoints, name),
        );
        const rate = successRate(runs);
        const regions = byRegion(runs);
        print({ runs, successRate: rate, byRegion: regions }, () =>
          [
            ...runs.map((r) => {
              const firstSignIn = r.firstSignIn === 'tokens-without-mfa' ? '  (first sign-in without MFA, second challenged)' : '';
              const reason = r.reason ? `${r.reason} (${r.class})` : '';
              const line = `${r.startedAt ?? ''}  ${r.verdict.padEnd(7)} ${reason.padEnd(30)} ${duration(r.durationMs).padStart(8)}  ${r.runId}${firstSignIn}`;
              // A check with re-runs: each attempt, the one that decided last (issue 18).
              const attempts =
                r.attempts && r.attempts.length > 1
                  ? `\n${r.attempts.map((a) => `      attempt ${a.attempt} ${a.verdict.padEnd(5)} ${a.reason ? `${a.reason} (${a.class ?? ''})` : ''}${a.smsLateByMs !== undefined ? `, code ${duration(a.smsLateByMs)} late` : ''}  ${a.runId}${a.retryOf ? ` retry of ${a.retryOf}` : ''}`).join('\n')}`
                  : '';
              const steps =
                command === 'history' && r.steps
                  ? `\n${r.steps.map((s) => `      ${s.name.padEnd(24)} ${duration(s.ms).padStart(8)}`).join('\n')}`
                  : '';
              return line + attempts + steps;
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
      case 'report':
        return await runReport(report!, { endpoints, stage: o.local ? 'local' : o.stage!, json: Boolean(o.json) }, io);
      case 'sms':
        return await showSms(endpoints, { phone: o.phone, last: Boolean(o.last), json: Boolean(o.json) }, io);
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
