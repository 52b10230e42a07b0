import { ValidationError } from '../errors';
import { parseSince } from './since';

describe('parseSince', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['400d', 400 * 86_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseSince(text)).toBe(ms));

  it.each(['', '30', 'd', '30 days', '-1d', '0d', '1.5h', '30D', '1w', '401d', '30d;rm'])('refuses %j naming --since', (text) => {
    let error: unknown;
    try {
      parseSince(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('--since');
    expect((error as Error).message).toMatch(/^--since: /);
  });
});
