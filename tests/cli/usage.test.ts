import { PassThrough } from 'node:stream';
import { commandSpec, optionsOf } from '../../cli/commands';
import { commandUsage } from '../../cli/usage';

/**
 * The CLI's usage, help and usage mistakes: none of them needs a stage or a local cloud, so
 * none reads endpoints or calls AWS (no endpoints file exists for this test).
 */
process.env.COGCHECK_LOCAL_ENDPOINTS = '/nonexistent/cogcheck-endpoints.json';
// Required after the variable is set: the endpoints file location is read at load.
const { main, USAGE } = require('../../cli/main') as typeof import('../../cli/main');

async function cogcheck(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stdin: new PassThrough() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const COMMANDS = ['provision', 'verify', 'teardown', 'submit-code', 'sms-sandbox-verify', 'status', 'history', 'help'];

describe('help', () => {
  it.each([['--help'], ['-h'], ['help']])('cogcheck %s prints the usage on stdout, exit 0', async (flag) => {
    const r = await cogcheck(flag);
    expect(r).toMatchObject({ code: 0, out: USAGE, err: '' });
    for (const command of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('without a command: the usage on stderr, exit 2', async () => {
    expect(await cogcheck()).toMatchObject({ code: 2, out: '', err: USAGE });
  });

  it.each(COMMANDS)(
    '%s: `cogcheck <command> --help` and `cogcheck help <command>` print that command alone, exit 0, no stage needed',
    async (command) => {
      const viaFlag = await cogcheck(command, '--help');
      const viaHelp = await cogcheck('help', command);
      expect(viaFlag).toMatchObject({ code: 0, err: '' });
      expect(viaHelp).toEqual(viaFlag);
      expect(viaFlag.out).toMatch(new RegExp(`^Usage: cogcheck ${command}( |$)`));
      expect(viaFlag.out).toContain('Exit codes:');
      // Only this command's block: no other command's line.
      for (const other of COMMANDS.filter((c) => c !== command && !c.startsWith(command)))
        expect(viaFlag.out).not.toMatch(new RegExp(`^  ${other} `, 'm'));
    },
  );

  it("a command's usage has its synopsis and its whole description, wrapped", () => {
    const verify = commandUsage('verify')!;
    expect(verify.split('\n')[0]).toBe(
      "Usage: cogcheck verify (--target <name> | --user-pool-id <id> --client-id <id>) [--kind signin|signup] [--auth-flow password|srp|user-auth|sms-otp] [--phone <+E164>] [--interactive] [--timeouts '<json>'] [--retries 0|1|2] (--stage <stage> [--region <region>] | --local) [--json]",
    );
    expect(verify).toContain('run a synthetic SMS MFA check and follow it: signup (the default) signs a new user up,');
    expect(verify).toContain('code as it is awaited');
    expect(
      Math.max(
        ...verify
          .split('\n')
          .slice(1)
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(100);
    expect(
      commandSpec('submit-code')!
        .options.map((o) => o.name)
        .sort(),
    ).toEqual(['code', 'message', 'phone', 'run-id', 'secret', 'url']);
    expect(commandUsage('nope')).toBeUndefined();
  });
});

describe('usage mistakes: one line saying what is wrong, one hint, exit 2, nothing on stdout', () => {
  it.each([
    [['nope'], 'cogcheck: unknown command "nope"', 'cogcheck --help lists the commands'],
    [['help', 'nope'], 'cogcheck: unknown command "nope"', 'cogcheck --help lists the commands'],
    [['--local'], 'cogcheck: the command comes first (--local is an option)', 'cogcheck --help lists the commands'],
    [['verify', '--bogus'], 'cogcheck: unknown option --bogus', 'cogcheck verify --help shows its usage'],
    [['status', '--target', 'x', '--local'], 'cogcheck: status takes no --target', 'cogcheck status --help shows its usage'],
    [['verify', '--target'], "cogcheck: Option '--target <value>' argument missing", 'cogcheck verify --help shows its usage'],
    [['verify', 'MyUserPool'], "cogcheck: Unexpected argument 'MyUserPool'", 'cogcheck verify --help shows its usage'],
    [
      ['verify', '--local'],
      'cogcheck: verify needs --target <name>, or --user-pool-id <id> and --client-id <id> (and --phone, unless the stage has an inbound-SMS number)',
      'cogcheck verify --help shows its usage',
    ],
    [
      ['verify', '--local', '--target', 'T', '--phone', '555-0100'],
      'cogcheck: --phone must be an E.164 number, e.g. +15555550100',
      'cogcheck verify --help shows its usage',
    ],
    [
      ['submit-code', '--local', '--code', '123456'],
      'cogcheck: submit-code needs --phone <+E164> or --run-id <id>',
      'cogcheck submit-code --help shows its usage',
    ],
    [
      ['submit-code', '--local', '--run-id', 'r-1'],
      'cogcheck: submit-code needs --code <digits> or --message "<sms text>"',
      'cogcheck submit-code --help shows its usage',
    ],
    [
      ['status'],
      'cogcheck: give --stage <stage> (a deployed stack) or --local (npm start -- --keep-running)',
      'cogcheck status --help shows its usage',
    ],
    [
      ['history', '--local', '--limit', 'ten'],
      'cogcheck: --limit must be an integer from 1 to 1000',
      'cogcheck history --help shows its usage',
    ],
    [['provision', '--local', '--input', '{nope'], 'cogcheck: --input is not valid JSON', `e.g. --input '{"userPoolName":"Shop"}'`],
    [
      ['sms-sandbox-verify', '--local', '--phone', '555'],
      'cogcheck: sms-sandbox-verify needs --phone <+E164>',
      'cogcheck sms-sandbox-verify --help shows its usage',
    ],
    // Said before any stack is read: no credentials are needed to learn it (none exist here).
    [
      ['sms', '--stage', 'prod'],
      "cogcheck: sms reads the local cloud's fake phone only: use --local with npm start -- --keep-running up",
      'cogcheck sms --help shows its usage',
    ],
  ])('cogcheck %j', async (argv, message, hint) => {
    expect(await cogcheck(...argv)).toEqual({ code: 2, out: '', err: `${message}\n${hint}` });
  });

  it('target: two-word commands, each with its own help; `target` alone lists the four (exit 2; with --help exit 0)', async () => {
    for (const sub of ['add', 'list', 'show', 'remove']) {
      const viaFlag = await cogcheck('target', sub, '--help');
      expect(viaFlag).toMatchObject({ code: 0, err: '' });
      expect(await cogcheck('help', 'target', sub)).toEqual(viaFlag);
      expect(viaFlag.out).toMatch(new RegExp(`^Usage: cogcheck target ${sub}( |$)`));
    }
    expect((await cogcheck('target', 'add', '--help')).out.split('\n')[0]).toBe(
      'Usage: cogcheck target add --name <name> --user-pool-id <id> --client-id <id> [--auth-flow password|srp|user-auth|sms-otp] [--pool-region <region>] (--stage <stage> [--region <region>] | --local) [--json]',
    );
    expect(optionsOf(commandSpec('target add')!).map((o) => o.name)).toEqual(
      expect.arrayContaining(['auth-flow', 'client-id', 'name', 'pool-region', 'user-pool-id']),
    );
    const all = await cogcheck('target', '--help');
    expect(all.code).toBe(0);
    for (const sub of ['add', 'list', 'show', 'remove']) expect(all.out).toMatch(new RegExp(`^  target ${sub} `, 'm'));
    expect(await cogcheck('target')).toMatchObject({ code: 2, out: '', err: all.out });
    expect(await cogcheck('target', 'list', '--local', '--user-pool-id', 'x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('target list takes no --user-pool-id'),
    });
    expect(await cogcheck('target', 'show', 'A', 'B', '--local')).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unexpected argument 'B'"),
    });
  });

  it('a missing local cloud is a configuration problem: said in one line, exit 2', async () => {
    const r = await cogcheck('status', '--local');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cogcheck: No local cloud is running \(.+ is missing\): start one with npm start -- --keep-running$/);
  });
});
