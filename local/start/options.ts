import { parseArgs } from 'node:util';
import { PHONE_NUMBER } from '../../lib/phone';
import { CODE_SOURCES, type CodeSource } from '../cloud';

/**
 * `npm start`'s options, declared once: the parser (parseStartOptions), `npm start -- --help` and the
 * test that holds the README's table to them (tests/cli/options.test.ts) all read this list. To add
 * one: an entry here (`value`: it takes a string, shown as that placeholder; none: a flag; `help`:
 * its lines in --help), a field in StartOptions, and a row in the README's table.
 */
export const START_OPTIONS = [
  { name: 'runs', value: 'N', default: '1', help: ['verification runs (default 1)'] },
  { name: 'concurrency', value: 'C', default: '1', help: ['runs at a time, each on its own phone number (default 1)'] },
  { name: 'phone', value: 'E164', default: '+15555550100', help: ['first phone number (default +15555550100; the next ones count up)'] },
  {
    name: 'code-source',
    value: 'S',
    default: 'inbound-sms',
    help: [
      'how codes come back to the runs (default inbound-sms):',
      "  inbound-sms    two-way SMS: the phone's SMS published to the inbound topic",
      "  custom-sender  the pool's Custom SMS Sender gets the code (KMS), no SMS sent",
      '  twilio         the phone is a Twilio number: signed inbound-SMS webhook',
      '  callback       the signed POST /codes a relay script would send',
    ],
  },
  {
    name: 'kind',
    value: 'K',
    help: ["the verification's kind, passed to the verify machine (signin or signup;", "default: the machine's own)"],
  },
  {
    name: 'retries',
    value: 'N',
    help: [
      're-runs that confirm a failed check before its verdict (0..2; default 0:',
      'a one-off run answers at once; scheduled checks default to 2)',
    ],
  },
  {
    name: 'sms-path',
    value: 'P',
    default: 'sns',
    help: [
      'how the pool sends SMS (default sns): sns (SnsCallerArn) or eums (End User',
      'Messaging SMS with a configuration set; its TEXT_* events are recorded on',
      'the runs as delivery evidence, counted as deliveryEvents)',
    ],
  },
  { name: 'sms-delay', value: 'MS', help: ['delay before the fake phone hands over an SMS (default 20)'] },
  {
    name: 'first-sign-in-without-mfa',
    help: [
      'Cognito as documented for a new user: the first sign-in after the sign-up',
      'confirmation returns tokens without an MFA challenge; the check then signs',
      'in again and requires SMS_MFA (default: the first sign-in is challenged)',
    ],
  },
  {
    name: 'interactive',
    help: ['the fake phone shows each SMS and you type the code (stdin may be piped;', 'the code goes back through the signed callback)'],
  },
  {
    name: 'keep-running',
    help: [
      'after the runs, print the endpoints and AWS_ENDPOINT_URL_* variables, show',
      'each SMS the fake phone receives, and stay up until Ctrl-C / SIGTERM; a second',
      'one on this checkout writes its own endpoints file and prints',
      "export COGCHECK_LOCAL_ENDPOINTS=<file> for its terminal's cogcheck --local",
    ],
  },
  { name: 'teardown', help: ['run the teardown state machine after the verifications'] },
  { name: 'json', help: ['print only one JSON report on stdout'] },
  { name: 'lambda-logs', help: ["show the Lambdas' logs and metrics (on stderr)"] },
  { name: 'help', short: 'h', help: ['this text'] },
] as const satisfies readonly { name: string; value?: string; default?: string; short?: string; help: readonly string[] }[];

const HELP_COLUMN = 22;

function optionLines(): string[] {
  return START_OPTIONS.flatMap((o) => {
    const flag = `  --${o.name}${'value' in o ? ` ${o.value}` : ''}`;
    const pad = ' '.repeat(HELP_COLUMN);
    if (flag.length >= HELP_COLUMN - 1) return [flag, ...o.help.map((h) => pad + h)];
    return o.help.map((h, i) => (i === 0 ? flag.padEnd(HELP_COLUMN) : pad) + h);
  });
}

export const HELP = `Usage: npm start -- [options]

Boots the local cloud on loopback (moto, cognito-local with a fake phone, the local Step Functions
engine, the callback API), runs the provisioning state machine, then the verification state
machine, and prints a line per state, a table of step timings and a verdict.
Exit code: 0 on PASS, 1 on FAIL, 2 on bad options, 130/143 when interrupted.

Options:
${optionLines().join('\n')}
`;

export const KINDS = ['signin', 'signup'] as const;
export const SMS_PATHS = ['sns', 'eums'] as const;
export type SmsPath = (typeof SMS_PATHS)[number];
export type Kind = (typeof KINDS)[number];

export interface StartOptions {
  runs: number;
  /** At most `runs`. */
  concurrency: number;
  phone: string;
  codeSource: CodeSource;
  /** Only when given: the verify machine's input carries it then, and only then. */
  kind?: Kind;
  /** Only when given: the verify machine's input carries it (issue 18). */
  retries?: number;
  smsDelay?: number;
  /** How the provisioned pool sends SMS (issue 18): the stack param smsPath and the provisioning input. */
  smsPath: SmsPath;
  firstSignInWithoutMfa: boolean;
  json: boolean;
  interactive: boolean;
  keepRunning: boolean;
  teardown: boolean;
  lambdaLogs: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Digits only: Number() would also take "1e2", "0x2" or " 3". */
function integer(name: string, text: string, min: number, max = 1_000_000): number {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!allowed.includes(text as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

export function parseStartOptions(argv: string[]): StartOptions {
  const options = Object.fromEntries(
    START_OPTIONS.map((o) => [
      o.name,
      'value' in o
        ? { type: 'string' as const, ...('default' in o && { default: o.default }) }
        : { type: 'boolean' as const, default: false, ...('short' in o && { short: o.short }) },
    ]),
  );
  const v = parseArgs({ args: argv, strict: true, options }).values as Record<string, string | undefined> & Record<string, boolean>;
  if (!PHONE_NUMBER.pattern.test(v.phone!)) throw new UsageError(`--phone must be ${PHONE_NUMBER.describe}`);
  const runs = integer('runs', v.runs!, 1);
  const codeSource = oneOf('code-source', v['code-source']!, CODE_SOURCES);
  if (v.interactive && codeSource === 'custom-sender')
    throw new UsageError('--interactive needs an SMS to show: the custom-sender pool sends none');
  const smsPath = oneOf('sms-path', v['sms-path']!, SMS_PATHS);
  if (smsPath === 'eums' && codeSource === 'custom-sender')
    throw new UsageError('--sms-path eums sends SMS through End User Messaging; the custom-sender pool sends none');
  return {
    runs,
    concurrency: Math.min(integer('concurrency', v.concurrency!, 1), runs),
    phone: v.phone!,
    codeSource,
    ...(v.kind !== undefined && { kind: oneOf('kind', v.kind, KINDS) }),
    ...(v.retries !== undefined && { retries: integer('retries', v.retries, 0, 2) }),
    // An hour at most: longer than any code wait (so late-code runs can be tried), and far below
    // what Node can time.
    smsDelay: v['sms-delay'] === undefined ? undefined : integer('sms-delay', v['sms-delay'], 0, 3_600_000),
    smsPath,
    firstSignInWithoutMfa: v['first-sign-in-without-mfa']!,
    json: v.json!,
    interactive: v.interactive!,
    keepRunning: v['keep-running']!,
    teardown: v.teardown!,
    lambdaLogs: v['lambda-logs']!,
    help: v.help!,
  };
}

/** How the report names the route codes came back by. */
export const codeSourceLabel = (o: StartOptions) => (o.interactive ? 'interactive' : o.codeSource);
