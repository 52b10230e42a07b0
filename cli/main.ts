import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { callbackSecret, ConfigError, readLocalEndpoints, readStageEndpoints, type Endpoints } from './config';
import { followExecution } from './follow';
import { Backoff, type PollOptions } from './poll';
import { recentRuns, successRate } from './history';
import { submitCode } from './submit';
import { verifySandboxPhone } from './sandbox';
import { maskPhone, PHONE_NUMBER } from '../lib/phone';

export const USAGE = `Usage: cogcheck <command> [--stage <stage> [--region <region>] | --local] [--json]

Commands:
  provision   [--input '<json>']           run the provisioning state machine and follow it
  verify      --target <name> [--phone <+E164>] [--interactive] [--timeouts '<json>']
                                           run a synthetic sign-up + SMS MFA check and follow it;
                                           without --phone, the stage's inbound-SMS number
                                           (inboundPhoneNumberId); --interactive asks for each SMS
                                           code as it is awaited
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

Targets: --stage reads the deployed stack's outputs (cognito-sms-mfa-<stage>); --local uses the
local cloud that 'npm start -- --keep-running' keeps up. Exit codes: 0 success/PASS, 1 the run
failed, 2 bad usage or configuration, 3 the callback refused the code.`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  stdin: NodeJS.ReadableStream;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const { values: o } = parseArgs({
    args: rest,
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      local: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
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
      help: { type: 'boolean', default: false },
      'timeout-seconds': { type: 'string' },
    },
  });
  if (!command || o.help || command === 'help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const endpoints: Endpoints = o.local
    ? readLocalEndpoints()
    : o.stage
      ? await readStageEndpoints(o.stage, o.region)
      : fail('give --stage <stage> or --local');
  const sfn = new SFNClient({ region: endpoints.region });
  // Throttled Step Functions calls are waited out, and said so on stderr.
  const poll: PollOptions = {
    onThrottled: ({ operation, waitMs }) => io.err(`  (Step Functions throttled ${operation}; retrying in ${waitMs} ms)`),
  };
  const print = (value: unknown, text: () => string) => io.out(o.json ? JSON.stringify(value, null, 2) : text());
  try {
    switch (command) {
      case 'provision':
      case 'teardown':
        return await runMachine(command, o.input ? parseJson(o.input, '--input') : {});
      case 'verify': {
        if (!o.target) fail('verify needs --target (and --phone, unless the stage has an inbound-SMS number)');
        const input: Record<string, unknown> = { target: o.target };
        if (o.phone) input.phoneNumber = o.phone;
        if (o.timeouts) input.timeouts = parseJson(o.timeouts, '--timeouts');
        return await runMachine('verify', input);
      }
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
        if (!o.phone || !PHONE_NUMBER.pattern.test(o.phone)) fail('sms-sandbox-verify needs --phone <+E164>');
        if (!endpoints.runsTable) fail('these endpoints name no runs table: deploy this version (output RunsTableName)');
        // The inbound route stores the password in the stage's runs table, where lib/runs reads it.
        process.env.RUNS_TABLE = endpoints.runsTable;
        const timeout = o['timeout-seconds'] === undefined ? undefined : Number(o['timeout-seconds']);
        if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= 3600))
          fail('--timeout-seconds must be an integer from 1 to 3600');
        const result = await verifySandboxPhone({ phone: o.phone, timeoutSeconds: timeout, log: (l) => !o.json && io.out(l) });
        if (o.json) print({ phone: maskPhone(o.phone), result }, () => result);
        return 0;
      }
      case 'status':
      case 'history': {
        const runs = await recentRuns(sfn, endpoints.stateMachines.verify, Math.max(1, Number(o.limit)), poll);
        const rate = successRate(runs);
        print({ runs, successRate: rate }, () =>
          [
            ...runs.map((r) => {
              const firstSignIn = r.firstSignIn === 'tokens-without-mfa' ? '  (first sign-in without MFA, second challenged)' : '';
              const line = `${r.startedAt ?? ''}  ${r.verdict.padEnd(7)} ${(r.reason ?? '').padEnd(20)} ${String(r.durationMs ?? '').padStart(7)} ms  ${r.runId}${firstSignIn}`;
              const steps =
                command === 'history' && r.steps ? `\n${r.steps.map((s) => `      ${s.name.padEnd(24)} ${s.ms} ms`).join('\n')}` : '';
              return line + steps;
            }),
            `success rate: ${rate === undefined ? 'n/a' : `${Math.round(rate * 100)}%`} over ${runs.filter((r) => r.verdict !== 'RUNNING').length} finished runs`,
          ].join('\n'),
        );
        return 0;
      }
      default:
        fail(`unknown command ${command}`);
    }
  } finally {
    sfn.destroy();
  }

  async function runMachine(machine: 'provision' | 'verify' | 'teardown', input: object): Promise<number> {
    // A throttled StartExecution started nothing, so asking again cannot start two runs.
    const { executionArn } = await new Backoff(poll).call('StartExecution', () =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: endpoints.stateMachines[machine], input: JSON.stringify(input) })),
    );
    if (!o.json) io.out(`▶ ${machine} ${executionArn}`);
    const runId = executionArn!.split(':').pop()!;
    let spinner: NodeJS.Timeout | undefined;
    const rl = o.interactive ? createInterface({ input: io.stdin, terminal: false }) : undefined;
    const lines = rl?.[Symbol.asyncIterator]();
    const final = await followExecution(
      sfn,
      executionArn!,
      {
        onState: ({ state, ms, summary }) => !o.json && io.out(`  ✓ ${state.padEnd(24)} ${String(ms).padStart(6)} ms  ${summary}`),
        onAwait: ({ state, startedAt, timeoutSeconds }) => {
          const what = state === 'AwaitSignUpCode' ? 'sign-up' : 'MFA';
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
          } else if (io.isTTY && !o.json) {
            spinner = setInterval(() => {
              const elapsed = Math.round((Date.now() - startedAt) / 1000);
              const left = timeoutSeconds === undefined ? '' : `, ${Math.max(0, timeoutSeconds - elapsed)} s left`;
              process.stdout.write(`\r  ⏳ waiting for the ${what} SMS code: ${elapsed} s${left}   `);
            }, 500);
          } else if (!o.json) {
            io.out(`  ⏳ waiting for the ${what} SMS code${timeoutSeconds ? ` (timeout ${timeoutSeconds} s)` : ''}`);
          }
        },
        onAwaitEnd: () => {
          if (spinner) {
            clearInterval(spinner);
            spinner = undefined;
            process.stdout.write('\r\x1b[K');
          }
        },
      },
      poll,
    );
    rl?.close();
    const ok = final.status === 'SUCCEEDED';
    print(
      {
        executionArn,
        status: final.status,
        error: final.error,
        cause: final.cause,
        output: final.output ? JSON.parse(final.output) : undefined,
      },
      () =>
        ok
          ? `${machine === 'verify' ? 'PASS' : 'SUCCEEDED'}: ${final.output}`
          : `${machine === 'verify' ? 'FAIL' : final.status}: ${final.error}: ${final.cause}`,
    );
    return ok ? 0 : 1;
  }
}

function parseJson(text: string, flag: string): object {
  try {
    return JSON.parse(text) as object;
  } catch {
    throw new ConfigError(`${flag} is not valid JSON`);
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}
