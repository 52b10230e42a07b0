import { logger } from '../../lib/logger';

/**
 * Test helper: records every line written while a capture is open, so tests can assert on what
 * reaches the logs. Only while capturing does the shared Powertools logger write at DEBUG;
 * restore() puts its level back, so the rest of the test file stays as quiet as tests/setupEnv.ts
 * makes it (no process.env change: the logger reads POWERTOOLS_LOG_LEVEL only when created).
 */
export function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  // Each warm invocation (injectLambdaContext) puts the level back to the one the logger was
  // created with, unless debug sampling picks it; tests sample nothing, so hold DEBUG meanwhile.
  const refresh = jest.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
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
  return {
    lines,
    restore: () => {
      [...spies, ...consoleSpies, refresh].forEach((s) => s.mockRestore());
      logger.setLogLevel(level);
    },
  };
}

/** The JSON log lines (Powertools lines and EMF metric lines) among captured chunks, parsed. */

export const jsonLines = (chunks: string[]): Record<string, any>[] =>
  chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

/** Whether captured text holds `value`; a code (digits) only as a whole number, not inside an id or a timestamp. */
export const contains = (text: string, value: string) =>
  /^\d+$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(text) : text.includes(value);

/**
 * For a whole test file: captures logs and turns EMF metric lines on (the metrics library reads
 * POWERTOOLS_METRICS_DISABLED per flush) from beforeAll to afterAll, then puts both back.
 * `lines()` is what was captured so far.
 */
export function captureLogsAndMetricsInFile(): { lines: () => string[] } {
  let logs: ReturnType<typeof captureLogs> | undefined;
  const metricsWere = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(() => {
    logs = captureLogs();
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    logs?.restore();
    process.env.POWERTOOLS_METRICS_DISABLED = metricsWere;
  });
  return { lines: () => logs?.lines ?? [] };
}
