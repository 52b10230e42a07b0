/**
 * Test helper: makes the shared Powertools logger write at DEBUG and records every line it
 * writes, so tests can assert on what reaches the logs. Import it before anything that imports
 * lib/logger: the logger reads its level once, when it is created.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';

export function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as never),
  );
  // Under `jest --ci` a logger that writes through the global console never reaches the streams.
  const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(`${args.map(String).join(' ')}\n`);
    }),
  );
  return { lines, restore: () => [...spies, ...consoleSpies].forEach((s) => s.mockRestore()) };
}

/** The JSON log lines (Powertools lines and EMF metric lines) among captured chunks, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are free-form; tests read any field
export const jsonLines = (chunks: string[]): Record<string, any>[] =>
  chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

/** Whether captured text holds `value`; a code (digits) only as a whole number, not inside an id or a timestamp. */
export const contains = (text: string, value: string) => (/^\d+$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(text) : text.includes(value));
