import { ValidationError } from '../errors';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/**
 * The longest window a report may ask for. Run records are kept 30 days (RUN_RETENTION_SECONDS); a
 * longer window is allowed (the report says what the table still holds) up to about a year, past
 * which a typo (`3000d`) is more likely than an intent.
 */
const MAX_MS = 400 * UNIT_MS.d;

/** `30d`, `12h`, `90m`: the report's window as milliseconds; anything else is refused naming --since. */
export function parseSince(text: string): number {
  const match = /^([1-9]\d{0,5})([dhm])$/.exec(text.trim());
  if (!match) throw new ValidationError('--since', `"${text}" is not a duration: a whole number and d, h or m, e.g. 30d, 12h or 90m`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > MAX_MS) throw new ValidationError('--since', `"${text}" is longer than 400 days`);
  return ms;
}
