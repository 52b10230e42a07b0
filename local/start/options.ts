import { parseArgs } from 'node:util';
import { PHONE_NUMBER } from '../../lib/phone';
import { CODE_SOURCES, type CodeSource } from '../cloud';

/** `npm start`'s options, parsed and checked once; everything after reads this object. */
export const HELP = `Usage: npm start -- [options]

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
  --kind K            the verification's kind, passed to the verify machine (signin or signup;
                      default: the machine's own)
  --retries N         re-runs that confirm a failed check before its verdict (0..2; default 0:
                      a one-off run answers at once; scheduled checks default to 1)
  --sms-delay MS      delay before the fake phone hands over an SMS (default 20)
  --first-sign-in-without-mfa
                      Cognito as documented for a new user: the first sign-in after the sign-up
                      confirmation returns tokens without an MFA challenge; the check then signs
                      in again and requires SMS_MFA (default: the first sign-in is challenged)
  --interactive       the fake phone shows each SMS and you type the code (stdin may be piped;
                      the code goes back through the signed callback)
  --keep-running      after the runs, print the endpoints and AWS_ENDPOINT_URL_* variables, show
                      each SMS the fake phone receives, and stay up until Ctrl-C / SIGTERM
  --teardown          run the teardown state machine after the verifications
  --json              print only one JSON report on stdout
  --lambda-logs       show the Lambdas' logs and metrics (on stderr)
  --help              this text
`;

export const KINDS = ['signin', 'signup'] as const;
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
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1' },
      phone: { type: 'string', default: '+15555550100' },
      'code-source': { type: 'string', default: 'inbound-sms' },
      kind: { type: 'string' },
      retries: { type: 'string' },
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
  if (!PHONE_NUMBER.pattern.test(v.phone!)) throw new UsageError(`--phone must be ${PHONE_NUMBER.describe}`);
  const runs = integer('runs', v.runs!, 1);
  const codeSource = oneOf('code-source', v['code-source']!, CODE_SOURCES);
  if (v.interactive && codeSource === 'custom-sender')
    throw new UsageError('--interactive needs an SMS to show: the custom-sender pool sends none');
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
