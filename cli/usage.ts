/**
 * One command's usage, read out of the CLI's usage text, so that a command is documented in one
 * place (its lines under "Commands:") and `cogcheck <command> --help`, `cogcheck help <command>`
 * and the option check all follow from it. A command's block is its line (two-space indent, the
 * name, its options) and the more-indented lines under it; the description starts in column 44
 * after a gap of spaces.
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

const DESCRIPTION_COLUMN = 43;

interface Block {
  synopsis: string;
  description: string;
}

function block(usage: string, command: string): Block | undefined {
  const lines = usage.split('\n');
  const first = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (first < 0) return undefined;
  const own = [lines[first]!];
  for (const line of lines.slice(first + 1)) {
    if (!line.startsWith('    ')) break;
    own.push(line);
  }
  const synopsis: string[] = [];
  const description: string[] = [];
  own.forEach((line, i) => {
    // The description column starts after a gap; a longer synopsis line runs through it.
    const split = line.length > DESCRIPTION_COLUMN && line.slice(DESCRIPTION_COLUMN - 2, DESCRIPTION_COLUMN) === '  ';
    const left = (split ? line.slice(0, DESCRIPTION_COLUMN) : line).trim();
    synopsis.push(i === 0 ? left.slice(command.length).trim() : left);
    if (split) description.push(line.slice(DESCRIPTION_COLUMN).trim());
  });
  return { synopsis: synopsis.filter(Boolean).join(' '), description: description.join(' ') };
}

/** `Usage: cogcheck <command> ...` with the description and the targets line; undefined for no such command. */
export function commandUsage(usage: string, command: string): string | undefined {
  const b = block(usage, command);
  if (!b) return undefined;
  const target = command === 'help' ? '' : ' (--stage <stage> [--region <region>] | --local) [--json]';
  const targets = usage.slice(usage.indexOf('\nTargets:') + 1);
  return [
    `Usage: cogcheck ${command}${b.synopsis ? ` ${b.synopsis}` : ''}${target}`,
    '',
    ...wrap(b.description, 96, '  '),
    '',
    targets,
  ].join('\n');
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The option names (`--name`, without the dashes) a command's usage mentions. */
export function optionsOf(usage: string, command: string): string[] {
  const b = block(usage, command);
  return b ? [...`${b.synopsis} ${b.description}`.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!) : [];
}
