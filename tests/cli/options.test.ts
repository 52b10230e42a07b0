import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, optionsOf, type CommandSpec } from '../../cli/commands';
import { OptionRefused, commandUsage, overview } from '../../cli/usage';
import { HELP as START_HELP, START_OPTIONS, parseStartOptions } from '../../local/start/options';

/**
 * One source for each command's options (issue 20, item 3): what the parsers accept, found by
 * trying every option name anyone mentions, is exactly what the help lists and what the README's
 * option tables list, each once.
 */
process.env.COGCHECK_LOCAL_ENDPOINTS = '/nonexistent/cogcheck-endpoints.json';
const { parseOptions } = require('../../cli/main') as typeof import('../../cli/main');

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const SPECS = (COMMANDS as readonly CommandSpec[]).filter((c) => c.where !== 'none');
const COMMON = ['stage', 'region', 'local', 'json', 'help'];

const mentioned = (text: string) => [...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
const sorted = (names: Iterable<string>) => [...names].sort();

/** Every option name the code, the help texts or the README mention, and one nobody does. */
const CANDIDATES = [
  ...new Set([
    ...SPECS.flatMap((c) => optionsOf(c).map((o) => o.name)),
    ...START_OPTIONS.map((o) => o.name),
    ...mentioned(README),
    ...mentioned(overview()),
    ...mentioned(START_HELP),
    'bogus',
  ]),
];

/** What `cogcheck <command>` accepts, asked of its parser: a refused option is an OptionRefused. */
function accepted(command: string): string[] {
  return CANDIDATES.filter((name) => {
    try {
      parseOptions(command, [`--${name}`]);
    } catch (error) {
      if (error instanceof OptionRefused) return false;
      // A string option given no value: accepted, the value is what is missing.
    }
    return true;
  }).sort();
}

/** What `npm start` accepts: parseArgs's ERR_PARSE_ARGS_UNKNOWN_OPTION is a refusal; anything else (a bad or missing value) is not. */
function startAccepted(): string[] {
  return CANDIDATES.filter((name) => {
    try {
      parseStartOptions([`--${name}`]);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return false;
    }
    return true;
  }).sort();
}

/** The rows of the README table whose header line is `header`: cells, without the backticks. */
function tableRows(header: string): string[][] {
  const lines = README.split('\n');
  const start = lines.indexOf(header);
  expect(start).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

function noDuplicates(names: string[]) {
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
}

describe('cogcheck: each command`s help lists exactly the options its parser accepts, each once', () => {
  it('the probe tells accepted from refused (it can fail)', () => {
    expect(accepted('status')).toEqual(['help', 'json', 'limit', 'local', 'region', 'stage']);
    expect(accepted('sms')).toEqual(['help', 'json', 'last', 'local', 'phone']);
  });

  it.each(SPECS.map((c) => c.name))('%s', (command) => {
    const want = accepted(command);
    const help = commandUsage(command)!;
    const [usageLine] = help.split('\n');
    const onUsageLine = mentioned(usageLine!);
    noDuplicates(onUsageLine);
    // --help is in the Options list, not on the Usage line.
    expect(sorted(onUsageLine)).toEqual(want.filter((n) => n !== 'help'));
    const optionsSection = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\n\n', help.indexOf('\nOptions:\n') + 1));
    const listed = [...optionsSection.matchAll(/^ {2}--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
    noDuplicates(listed);
    expect(sorted(listed)).toEqual(want);
  });

  it('sms --help offers no --stage or --region (sms refuses them) and --local once on its Usage line', () => {
    const help = commandUsage('sms')!;
    expect(help).not.toMatch(/--stage|--region/);
    expect(help.split('\n')[0]).toBe('Usage: cogcheck sms --local [--phone <+E164>] [--last] [--json]');
    expect(() => parseOptions('sms', ['--stage', 'prod'])).toThrow(OptionRefused);
  });

  it("the overview names each command's own options, each once (besides what its description says)", () => {
    const lines = overview().split('\n');
    for (const spec of SPECS) {
      const first = lines.findIndex((l) => l.startsWith(`  ${spec.name} `) || l === `  ${spec.name}`);
      expect(first).toBeGreaterThan(-1);
      const rest = lines.slice(first + 1);
      const end = rest.findIndex((l) => !l.startsWith('    '));
      const block = [lines[first]!, ...rest.slice(0, end)].join(' ');
      const inSynopsis = mentioned(block);
      for (const n of mentioned(spec.description)) inSynopsis.splice(inSynopsis.indexOf(n), 1);
      noDuplicates(inSynopsis);
      const own = accepted(spec.name).filter((n) => !COMMON.includes(n) || (spec.where === 'local-only' && n === 'local'));
      expect(sorted(inSynopsis)).toEqual(own);
    }
  });
});

describe("README: the ops CLI's table lists each command's options once, exactly those it accepts", () => {
  const rows = tableRows('| command | options | what it does |');

  it('has one row per command', () => {
    const names = rows.map(([command]) => command!.replace(/`/g, '').replace(/ <[^>]+>$/, ''));
    noDuplicates(names);
    expect(sorted(names)).toEqual(sorted(SPECS.map((c) => c.name)));
  });

  it.each(SPECS.map((c) => c.name))('%s', (command) => {
    const row = rows.find(([c]) => c!.replace(/`/g, '').replace(/ <[^>]+>$/, '') === command)!;
    const listed = mentioned(row[1]!);
    noDuplicates(listed);
    // Where, --json and --help are said once under the table, for every command.
    expect(sorted(listed)).toEqual(accepted(command).filter((n) => !COMMON.includes(n)));
  });
});

describe('npm start: --help and the README table list exactly the options parseStartOptions accepts, each once', () => {
  it('--help', () => {
    const listed = [...START_HELP.matchAll(/^ {2}--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
    noDuplicates(listed);
    expect(sorted(listed)).toEqual(startAccepted());
    expect(startAccepted()).toEqual(expect.arrayContaining(['phone', 'sms-delay', 'kind']));
  });

  it('the README table (--help aside: the line above the table names it)', () => {
    const listed = tableRows('| option | |').flatMap(([option]) => mentioned(option!));
    noDuplicates(listed);
    expect(sorted(listed)).toEqual(startAccepted().filter((n) => n !== 'help'));
  });
});
