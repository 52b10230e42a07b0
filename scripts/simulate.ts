/**
 * `npm run simulate -- --days N [--seed S] [--sms-loss P] [--json]`: the stage's checks (checks.yml)
 * run for N simulated days against the local cloud under a virtual clock, with the SMS latency and
 * loss model and the default fault timetable; the stack's alarms (packaged template) are evaluated
 * over the runs' metrics. README "When it pages" → "Simulated month".
 *
 * Options: --days (default 2), --seed (default 1), --sms-loss, --sms-p50 / --sms-p95 / --sms-p99
 * (seconds), --faults (comma-separated kinds, or `none`), --stage (default: the stage whose checks
 * are read, `dev`), --json (one JSON document on stdout; every log line on stderr).
 * --tradeoffs prints README "When it pages"'s trade-off table (cadence × retries → detection, false
 * pages a month, cost; analytic, ./simulate/tradeoffs.ts) and runs no simulation.
 * SIMULATE_DEBUG=1 logs every clock jump, a watchdog of what is in flight, each SMS and each failed check's states on stderr.
 * Exit 0 when the simulation ran (its findings are in the report), 1 when it could not, 2 on bad input.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reserveStdout } from './bench/jsonStdout';
import { simulationReport, runSimulation, type SimulateInput } from './simulate/main';
import { DEFAULT_SMS_MODEL } from './simulate/smsModel';
import { FAULT_KINDS, type FaultKind } from './simulate/faults';
import { tradeoffRows, tradeoffTable } from './simulate/tradeoffs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: npm run simulate -- --days N [--seed S] [--sms-loss P] [--sms-p50 S] [--sms-p95 S] [--sms-p99 S]
                             [--faults kind,kind|none] [--stage NAME] [--json]
       npm run simulate -- --tradeoffs [--json]      (the trade-off table, analytic; no simulation)
Fault kinds: ${FAULT_KINDS.join(', ')}`;

function parse(argv: string[]): SimulateInput & { json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      'sms-loss': { type: 'string' },
      'sms-p50': { type: 'string' },
      'sms-p95': { type: 'string' },
      'sms-p99': { type: 'string' },
      faults: { type: 'string' },
      stage: { type: 'string', default: 'dev' },
      json: { type: 'boolean', default: false },
      tradeoffs: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  if (values.tradeoffs) {
    process.stdout.write(`${values.json ? JSON.stringify(tradeoffRows()) : tradeoffTable()}\n`);
    process.exit(0);
  }
  const num = (field: string, text: string | undefined, fallback: number, ok: (n: number) => boolean, reason: string) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || !ok(n)) throw new Error(`--${field}: ${reason}, got "${text}"`);
    return n;
  };
  const days = num('days', values.days, 2, (n) => n > 0 && n <= 31, 'a number of days above 0, at most 31');
  const seed = num('seed', values.seed, 1, Number.isInteger, 'an integer');
  const loss = num('sms-loss', values['sms-loss'], DEFAULT_SMS_MODEL.loss, (n) => n >= 0 && n <= 1, 'a probability from 0 to 1');
  const sec = (f: 'sms-p50' | 'sms-p95' | 'sms-p99', d: number) => num(f, values[f], d / 1000, (n) => n > 0, 'seconds above 0') * 1000;
  const sms = {
    p50Ms: sec('sms-p50', DEFAULT_SMS_MODEL.p50Ms),
    p95Ms: sec('sms-p95', DEFAULT_SMS_MODEL.p95Ms),
    p99Ms: sec('sms-p99', DEFAULT_SMS_MODEL.p99Ms),
    loss,
  };
  if (!(sms.p50Ms < sms.p95Ms && sms.p95Ms < sms.p99Ms)) throw new Error('--sms-p50 < --sms-p95 < --sms-p99 is required');
  let kinds: FaultKind[] = [...FAULT_KINDS];
  if (values.faults !== undefined) {
    kinds = values.faults === 'none' ? [] : (values.faults.split(',').map((k) => k.trim()) as FaultKind[]);
    const bad = kinds.filter((k) => !FAULT_KINDS.includes(k));
    if (bad.length) throw new Error(`--faults: unknown kind ${bad.join(', ')} (known: ${FAULT_KINDS.join(', ')}, or none)`);
  }
  return { root: join(__dirname, '..'), stage: values.stage, days, seed, sms, kinds, json: values.json };
}

async function main(): Promise<number> {
  let input: ReturnType<typeof parse>;
  try {
    input = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const stdout = input.json ? reserveStdout() : undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const report = await runSimulation(input, log);
    if (stdout) {
      stdout.write(`${JSON.stringify(report)}\n`);
      stdout.restore();
    } else process.stdout.write(`${simulationReport(report).join('\n')}\n`);
    return 0;
  } catch (error) {
    stdout?.restore();
    const e = error as Error;
    log(`simulation failed: ${e.name}: ${e.message}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
