/**
 * Every cogcheck command and the options it takes, declared once: the parser (cli/main.ts), the
 * overview `cogcheck --help` and each `cogcheck <command> --help` (cli/usage.ts) are made from this
 * table, and tests/cli/options.test.ts holds the README's option tables to what the parser accepts.
 *
 * To add an option: one entry in its command's `options`, e.g.
 *   { name: 'pool-region', value: '<region>', help: "the pool's Region, when its id does not say it" }
 * (`value`: what follows it in the usage, and it takes a string; none: a flag). An option the
 * command's `synopsis` does not name is shown as `[--name <value>]` after the ones it does; name it
 * there only when it is required or one of alternatives. Then its row in the README's table.
 * To add a command: an entry here and its case in cli/main.ts `run`.
 */

export interface OptionSpec {
  /** Without the dashes. */
  readonly name: string;
  /** What follows the option in the usage; absent: a flag (boolean). */
  readonly value?: string;
  /** One line in the command's Options list. */
  readonly help: string;
  /** A string option's value when it is not given. */
  readonly default?: string;
}

/**
 * Where a command sends its calls: a deployed stage or the local cloud (--stage/--region/--local),
 * the local cloud only (--local), or nowhere (help).
 */
export type Where = 'stage-or-local' | 'local-only' | 'none';

export interface CommandSpec {
  /** One word, or two for the target commands (`target add`). */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /** How options combine when not all are optional, naming them bare (`(--target | --user-pool-id --client-id)`). */
  readonly synopsis?: string;
  /** A positional argument (`<name>`), shown before the options. */
  readonly positional?: string;
  readonly where: Where;
  /** Why it is refused elsewhere, for `local-only` commands given --stage/--region or no --local. */
  readonly localOnly?: string;
  readonly description: string;
}

const LOCAL_HELP = "the local cloud 'npm start -- --keep-running' keeps up (the file COGCHECK_LOCAL_ENDPOINTS names)";

/** --stage/--region/--local, then --json and --help: what `where` adds to a command's own options. */
export const WHERE_OPTIONS = {
  stage: { name: 'stage', value: '<stage>', help: 'the deployed stack cognito-sms-mfa-<stage>, read from its outputs' },
  region: { name: 'region', value: '<region>', help: "the stack's Region (default: the AWS SDK's, e.g. AWS_REGION)" },
  local: { name: 'local', help: LOCAL_HELP },
  json: { name: 'json', help: 'one JSON document on stdout instead of lines' },
  help: { name: 'help', help: 'this text (also: -h, cogcheck help <command>)' },
} as const;

const PHONE = { name: 'phone', value: '<+E164>' } as const;
const AUTH_FLOW = { name: 'auth-flow', value: 'password|srp|user-auth|sms-otp' } as const;
const INPUT = { name: 'input', value: "'<json>'" } as const;
const LIMIT = { name: 'limit', value: 'N', default: '10', help: 'how many of the newest runs (1 to 1000; default 10)' } as const;

export const COMMANDS = [
  {
    name: 'provision',
    where: 'stage-or-local',
    options: [{ ...INPUT, help: 'names to use instead of the walkthrough\'s, e.g. \'{"userPoolName":"Shop"}\'' }],
    description: 'run the provisioning state machine and follow it',
  },
  {
    name: 'verify',
    where: 'stage-or-local',
    synopsis: '(--target | --user-pool-id --client-id)',
    options: [
      { name: 'target', value: '<name>', help: 'a target that provisioning or target add recorded' },
      { name: 'user-pool-id', value: '<id>', help: 'a pool to check without a target record (with --client-id)' },
      { name: 'client-id', value: '<id>', help: "that pool's app client" },
      { name: 'kind', value: 'signin|signup', help: 'signup (default): a new user signs up; signin: a standing user signs in' },
      { ...AUTH_FLOW, help: "the sign-in flow (default: the target's, else the client's; sms-otp only when named)" },
      { ...PHONE, help: "the check phone (default: the stage's inbound-SMS number, inboundPhoneNumberId)" },
      { name: 'interactive', help: 'ask for each SMS code as it is awaited, and send it through the callback' },
      { name: 'timeouts', value: "'<json>'", help: 'code waits in seconds, e.g. \'{"signUpCodeSeconds":60,"mfaCodeSeconds":60}\'' },
      { name: 'retries', value: '0|1|2', help: 're-runs that confirm a failure before the verdict (default 0 here; 1 on a schedule)' },
    ],
    description:
      'run a synthetic SMS MFA check and follow it: signup (the default) signs a new user up, signin a standing user in; ' +
      "the flow: the target's, else the client's default (Amplify apps use srp; sms-otp, passwordless SMS sign-in, only " +
      "when named); without --phone, the stage's inbound-SMS number (inboundPhoneNumberId); --interactive asks for each SMS " +
      'code as it is awaited',
  },
  {
    name: 'target add',
    where: 'stage-or-local',
    synopsis: '--name --user-pool-id --client-id',
    options: [
      { name: 'name', value: '<name>', help: "the target's name (letters, digits and _.-)" },
      { name: 'user-pool-id', value: '<id>', help: "the pool (its Region is its id's prefix)" },
      { name: 'client-id', value: '<id>', help: "the pool's app client the checks sign in with" },
      { ...AUTH_FLOW, help: "the flow its checks use (default: the client's)" },
      {
        name: 'pool-region',
        value: '<region>',
        help: 'a secondary replica\'s Region: the pool\'s replica there (README "Across Regions")',
      },
    ],
    description:
      'record a pool and app client you already have as a check target (Region from the pool id); reads them, changes ' +
      'nothing, and prints what a check needs that they lack',
  },
  { name: 'target list', where: 'stage-or-local', options: [], description: "the stage's targets, provisioned and added" },
  {
    name: 'target show',
    where: 'stage-or-local',
    positional: '<name>',
    options: [],
    description: "a target's record and its readiness, read now",
  },
  {
    name: 'target remove',
    where: 'stage-or-local',
    positional: '<name>',
    options: [],
    description: "delete an added target's record (never anything in Cognito); a provisioned one goes with teardown",
  },
  {
    name: 'teardown',
    where: 'stage-or-local',
    options: [{ ...INPUT, help: 'the names provisioning was given, e.g. \'{"userPoolName":"Shop"}\'' }],
    description: 'delete what provisioning created',
  },
  {
    name: 'submit-code',
    where: 'stage-or-local',
    synopsis: '(--phone | --run-id) (--code | --message)',
    options: [
      { ...PHONE, help: 'the phone whose run waits for the code' },
      { name: 'run-id', value: '<id>', help: 'or the run itself' },
      { name: 'code', value: '<digits>', help: 'the code' },
      { name: 'message', value: '"<sms text>"', help: 'or the SMS as received, the code read out of it' },
      { name: 'secret', value: '<s>', help: "the callback's signing secret (default: CALLBACK_SECRET, else the stage's)" },
      { name: 'url', value: '<callback url>', help: "the callback (default: the stage's POST /codes)" },
    ],
    description: 'sign and POST a code to the callback',
  },
  {
    name: 'sms-sandbox-verify',
    where: 'stage-or-local',
    synopsis: '--phone',
    options: [
      { ...PHONE, help: 'the check phone to add and verify' },
      { name: 'timeout-seconds', value: 'N', help: 'how long to wait for the one-time password (1 to 3600; default 300)' },
    ],
    description:
      "while the account is in the SNS SMS sandbox: add the check phone as a destination and verify it with the one-time password that comes back through the stack's inbound route",
  },
  { name: 'status', where: 'stage-or-local', options: [LIMIT], description: 'the last N runs (default 10) and the success rate' },
  { name: 'history', where: 'stage-or-local', options: [LIMIT], description: 'same as status, with step timings' },
  {
    name: 'report',
    where: 'stage-or-local',
    options: [
      { name: 'since', value: '30d', default: '30d', help: 'the window: 30d, 12h, 90m (default 30d)' },
      { name: 'target', value: '<name>', help: 'only the checks of this target' },
      { name: 'html', value: '<file>', help: 'write one self-contained page with SVG charts (not with --json)' },
    ],
    description:
      'the SLO report from the runs table: per check kind, target and Region, availability (retries counted once), time to ' +
      "SMS p50/p95/p99, step durations, failures by reason and class, the error budget left against the check's slo in " +
      'checks.yml (default 99.5)',
  },
  {
    name: 'sms',
    where: 'local-only',
    localOnly: "sms reads the local cloud's fake phone only: use --local with npm start -- --keep-running up",
    options: [
      { ...PHONE, help: 'only the SMS to this phone' },
      { name: 'last', help: 'only the newest one (exit 1 while there is none)' },
    ],
    description: 'what the local fake phone received: time, phone, code, run',
  },
  {
    name: 'help',
    where: 'none',
    positional: '[<command>]',
    options: [],
    description: "this text, or one command's (also: <command> --help)",
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];

type AnyOption = (typeof COMMANDS)[number]['options'][number] | (typeof WHERE_OPTIONS)[keyof typeof WHERE_OPTIONS];

/** What the parser returns: each option by name, a string or a flag as its entry says. */
export type OptionValues = {
  [O in AnyOption as O['name']]?: O extends { value: string } ? string : boolean;
} & { positionals: string[] };

export function commandSpec(name: string): CommandSpec | undefined {
  return (COMMANDS as readonly CommandSpec[]).find((c) => c.name === name);
}

/** Every option a command takes, its own first, then where and output: the parser's and the help's list. */
export function optionsOf(spec: CommandSpec): OptionSpec[] {
  const w = WHERE_OPTIONS;
  const where = spec.where === 'stage-or-local' ? [w.stage, w.region, w.local] : spec.where === 'local-only' ? [w.local] : [];
  return spec.where === 'none' ? [...spec.options, w.help] : [...spec.options, ...where, w.json, w.help];
}
