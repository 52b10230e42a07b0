import { COMMANDS, commandSpec, optionsOf, type CommandSpec, type OptionSpec } from './commands';

/**
 * The CLI's usage texts, made from the command table (cli/commands.ts): the overview
 * (`cogcheck --help`), one command's (`cogcheck <command> --help`, `cogcheck help <command>`) and
 * the target commands' together (`cogcheck target --help`). Nothing here lists an option by hand.
 */

/** A mistake in how the CLI was called: told in one line with a hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An option the command does not take (or no command does): the parser's refusal, which the help agrees with. */
export class OptionRefused extends UsageError {
  constructor(
    readonly option: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

const DESCRIPTION_COLUMN = 43;
const WIDTH = 100;
/** Kept on one line when wrapped: an option and its value, a quoted value. */
const NBSP = '\u00a0';

const shown = (o: OptionSpec) => `--${o.name}${o.value ? `${NBSP}${o.value.replace(/ /g, NBSP)}` : ''}`;

/** The command's own options as the usage shows them: the synopsis's pattern filled in, then the optional ones. */
function ownSynopsis(spec: CommandSpec): string {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const named = new Set<string>();
  const pattern = (spec.synopsis ?? '').replace(/--([a-z][a-z-]*)/g, (_match, name: string) => {
    const o = byName.get(name);
    if (!o) throw new Error(`cli/commands.ts: ${spec.name}'s synopsis names --${name}, which is not among its options`);
    named.add(name);
    return shown(o);
  });
  const rest = spec.options.filter((o) => !named.has(o.name)).map((o) => `[${shown(o)}]`);
  return [spec.positional, pattern, ...rest].filter(Boolean).join(' ');
}

/** The synopsis the overview shows: where a command is called only when it differs from the rest. */
const overviewSynopsis = (spec: CommandSpec) => [spec.where === 'local-only' ? '--local' : '', ownSynopsis(spec)].filter(Boolean).join(' ');

/** The Usage line's (one line, not wrapped): the command's options, then where it sends its calls. */
function fullSynopsis(spec: CommandSpec): string {
  const own = ownSynopsis(spec);
  if (spec.where === 'stage-or-local') return `${own} (--stage <stage> [--region <region>] | --local) [--json]`.trim();
  if (spec.where === 'local-only') return `--local ${own} [--json]`.replace('  ', ' ');
  return own;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const plain = (text: string) => text.replace(new RegExp(NBSP, 'g'), ' ');

/** A command's line(s) in the overview: name and synopsis on the left, its description from column 44. */
function overviewLines(spec: CommandSpec): string[] {
  const name = spec.name.replace(/ /g, NBSP).padEnd(11, NBSP);
  const indent = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  ${l}` : `              ${l}`));
  const right = wrap(spec.description, WIDTH - DESCRIPTION_COLUMN);
  // Side by side when the synopsis fits the left column in two lines; else the synopsis across
  // the line and the description under it.
  const narrow = indent(wrap(`${name} ${overviewSynopsis(spec)}`, DESCRIPTION_COLUMN - 4));
  if (narrow.length <= 2 && narrow.every((l) => l.length < DESCRIPTION_COLUMN - 1)) {
    return Array.from({ length: Math.max(narrow.length, right.length) }, (_, i) => {
      const l = narrow[i] ?? '';
      return plain(right[i] ? `${l.padEnd(DESCRIPTION_COLUMN)}${right[i]}` : l);
    });
  }
  const wide = indent(wrap(`${name} ${overviewSynopsis(spec)}`, WIDTH - 16));
  return [...wide, ...right.map((r) => ' '.repeat(DESCRIPTION_COLUMN) + r)].map(plain);
}

const TARGETS = `Targets: --stage reads the deployed stack's outputs (cognito-sms-mfa-<stage>); --local uses the
local cloud that 'npm start -- --keep-running' keeps up, through the endpoints file it writes
(.local-cloud/endpoints.json). sms takes --local only. --json prints one JSON document instead of
lines.`;

const ENVIRONMENT = `Environment: COGCHECK_LOCAL_ENDPOINTS=<file> makes --local read that endpoints file instead: a
second 'npm start -- --keep-running' on the same checkout writes its own and prints the export line
for it, so each terminal's cogcheck --local reaches its own cloud.`;

const EXIT_CODES = `Exit codes: 0 success/PASS, 1 the run failed, 2 bad usage or configuration, 3 the callback
refused the code.`;

/** `cogcheck --help`. */
export function overview(): string {
  return [
    'Usage: cogcheck <command> (--stage <stage> [--region <region>] | --local) [--json]',
    '       (from a checkout: npm run cli -- <command> ...)',
    '',
    'Commands:',
    ...(COMMANDS as readonly CommandSpec[]).flatMap(overviewLines),
    '',
    TARGETS,
    ENVIRONMENT,
    EXIT_CODES,
  ].join('\n');
}

/** The Options list: each option the parser takes for this command, once, with its line of help. */
function optionLines(spec: CommandSpec): string[] {
  const rows = optionsOf(spec).map((o) => [plain(shown(o)), o.help] as const);
  const width = Math.min(Math.max(...rows.map(([o]) => o.length)) + 2, 34);
  return rows.flatMap(([o, help]) => {
    const helpLines = wrap(help, WIDTH - 2 - width);
    if (o.length + 2 > width) return [`  ${o}`, ...helpLines.map((h) => `  ${' '.repeat(width)}${h}`)];
    return helpLines.map((h, i) => `  ${(i === 0 ? o : '').padEnd(width)}${h}`);
  });
}

/** `cogcheck <command> --help`; undefined for no such command. */
export function commandUsage(command: string): string | undefined {
  const spec = commandSpec(command);
  if (!spec) return undefined;
  const synopsis = plain(fullSynopsis(spec));
  return [
    `Usage: cogcheck ${spec.name}${synopsis ? ` ${synopsis}` : ''}`,
    '',
    ...wrap(spec.description, WIDTH - 4).map((l) => `  ${l}`),
    '',
    ...(spec.where === 'none' ? [] : ['Options:', ...optionLines(spec), '']),
    ...(spec.where === 'none' ? [] : [ENVIRONMENT]),
    EXIT_CODES,
  ].join('\n');
}

/** `cogcheck target --help`: the four target commands' lines, as the overview has them. */
export function targetUsage(): string {
  return [
    'Usage: cogcheck target add|list|show|remove ...',
    '',
    ...(COMMANDS as readonly CommandSpec[]).filter((c) => c.name.startsWith('target ')).flatMap(overviewLines),
    '',
    "Each takes --stage <stage> [--region <region>] or --local, and --json; 'cogcheck target <command> --help' shows one.",
    EXIT_CODES,
  ].join('\n');
}
