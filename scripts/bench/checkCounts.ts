/**
 * What one check of a kind does on the local cloud, counted for the cost model: state transitions,
 * Lambda invocations and durations, DynamoDB, Secrets Manager, KMS and SNS requests, log lines and
 * bytes, SMS sent and users created. The handlers run in this process, so their SDK requests pass
 * the HTTP counter and their log lines this process's stdout.
 *
 * Run as a script (`tsx scripts/bench/checkCounts.ts`), it starts its own local cloud (the SDK
 * clients are cached per process, as per Lambda container, so one cloud per process), provisions,
 * runs each kind twice (the first on cold secret caches, the second the steady state it counts) and
 * prints one JSON document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { CheckCounts } from './costModel';
import { httpDelta, installHttpCounter, nameHttpPorts, snapshotHttp, type HttpStat } from './httpCounter';

installHttpCounter();

const ROOT = join(__dirname, '..', '..');

/**
 * The kinds of check to count, as verify execution inputs. A kind the verify machine does not accept
 * (yet) fails validation and is reported as not measured, never estimated.
 */
export const KINDS: { kind: string; input: Record<string, unknown> }[] = [
  { kind: 'signup', input: {} },
  { kind: 'signin', input: { kind: 'signin' } },
];

/** Memory per function as deployed: provider.memorySize unless the function sets its own. */
export function memoryByFunction(root = ROOT): (name: string) => number {
  const provider = (parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { provider: { memorySize?: number } }).provider;
  const functions = parse(readFileSync(join(root, 'resources/functions.yml'), 'utf8')) as Record<string, { memorySize?: number }>;
  return (name) => functions[name]?.memorySize ?? provider.memorySize ?? 1024;
}

/**
 * Functions whose role may read a secret (resources/functions.yml). The local cloud runs every
 * handler in one process, so they share one secret cache; on AWS each has its own container and
 * cache, so a check on cold containers makes one GetSecretValue per such function it invokes.
 */
export function secretReaders(root = ROOT): Set<string> {
  const functions = parse(readFileSync(join(root, 'resources/functions.yml'), 'utf8')) as Record<
    string,
    { iamRoleStatements?: { Action: string | string[] }[] }
  >;
  return new Set(
    Object.entries(functions)
      .filter(([, fn]) =>
        (fn.iamRoleStatements ?? []).some((st) => ([] as string[]).concat(st.Action).includes('secretsmanager:GetSecretValue')),
      )
      .map(([name]) => name),
  );
}

const READS = /\.(GetItem|Query|Scan|BatchGetItem)$/;
const WRITES = /\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
const TRANSACT = /\.(TransactWriteItems|TransactGetItems)$/;

/** Request counts → request units, one per request: the items are small (≤ 1 KB written, ≤ 4 KB read). */
export function dynamoUnits(http: Record<string, HttpStat>) {
  let readUnits = 0;
  let writeUnits = 0;
  for (const [key, { count }] of Object.entries(http)) {
    if (!key.includes(' dynamodb.')) continue;
    if (READS.test(key)) readUnits += count;
    else if (WRITES.test(key)) writeUnits += count;
    else if (TRANSACT.test(key)) writeUnits += 2 * count; // a transaction costs twice; items per call unknown here, counted as one
  }
  return { readUnits, writeUnits };
}

const countOf = (http: Record<string, HttpStat>, pattern: RegExp) =>
  Object.entries(http)
    .filter(([k]) => k.includes(' ') && pattern.test(k))
    .reduce((a, [, v]) => a + v.count, 0);

/** Billed transitions: every state entered, and every task retry (a Lambda scheduled again in the same state). */
export function billedTransitions(events: HistoryEvent[]): number {
  const entered = events.filter((e) => e.type?.endsWith('StateEntered')).length;
  const taskEntered = events.filter((e) => e.type === 'TaskStateEntered').length;
  const scheduled = events.filter((e) => e.type === 'LambdaFunctionScheduled' || e.type === 'TaskScheduled').length;
  return entered + Math.max(0, scheduled - taskEntered);
}

/** JSON log lines (Lambda application lines and EMF lines) among what the process wrote. */
export function logLines(chunks: string[]): string[] {
  return chunks.flatMap((c) => c.split('\n')).filter((l) => l.startsWith('{'));
}

export interface CountedRun {
  counts: CheckCounts;
  secretsCallsWarm: number;
  status: string;
  error?: string;
  logLines: string[];
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The level a deployed function logs at (serverless.yml), whatever this process inherited: the
  // logger takes it when it is created, and each invocation (injectLambdaContext) resets to it, so
  // an inherited SILENT would make every counted run write nothing (issue 20).
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const { startLocalCloud } = await import('../../local/cloud');
  const { clearSecretCache } = await import('../../lib/secrets/getSecret');
  const { logger } = await import('../../lib/logger');
  // Quiet outside the counted runs (provisioning logs are not a check's).
  logger.setLogLevel('SILENT');
  const cloud = await startLocalCloud({
    codeSource: 'inbound-sms',
    smsDelayMs: 0,
    logLevel: 'SILENT',
    params: { phoneHoldAfterFailureSeconds: '0' },
  });
  nameHttpPorts(
    new Map(
      Object.entries(cloud.urls).map(([name, url]) => [new URL(url).port, name === 'stepFunctions' ? 'sfn' : name] as [string, string]),
    ),
  );
  const memory = memoryByFunction();
  const readers = secretReaders();
  const sfn = new SFNClient({});
  let sms = 0;
  cloud.onSms(() => sms++);
  const results: Record<string, CountedRun | { notMeasured: string }> = {};
  try {
    const { executionArn: p } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn('provision'), input: '{}' }),
    );
    const provisioned = await cloud.engine.waitForExecution(p!);
    if (provisioned.status !== 'SUCCEEDED') throw new Error(`provisioning ${provisioned.status}: ${provisioned.error}`);
    const target = (JSON.parse(provisioned.output!) as { targetName: string }).targetName;

    const once = async (input: Record<string, unknown>, cold: boolean) => {
      if (cold) clearSecretCache();
      const written: string[] = [];
      const write = process.stdout.write;
      // What a deployed function logs: INFO lines and EMF metrics.
      logger.setLogLevel('INFO');
      process.env.POWERTOOLS_METRICS_DISABLED = 'false';
      process.stdout.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
      const http0 = snapshotHttp();
      const inv0 = cloud.lambda.invocations.length;
      const sms0 = sms;
      let done;
      try {
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: cloud.stateMachineArn('verify'),
            input: JSON.stringify({ target, phoneNumber: '+15555550100', ...input }),
          }),
        );
        done = { arn: executionArn!, ...(await cloud.engine.waitForExecution(executionArn!)) };
        // The code route's Lambda may still be returning when the run ends.
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        process.stdout.write = write;
        logger.setLogLevel('SILENT');
        process.env.POWERTOOLS_METRICS_DISABLED = 'true';
      }
      const http = httpDelta(http0);
      const invocations = cloud.lambda.invocations.slice(inv0);
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: done.arn, maxResults: 1000 }));
      const lines = logLines(written);
      return { done, http, invocations, events, lines, sms: sms - sms0 };
    };

    for (const { kind, input } of KINDS) {
      const cold = await once(input, true);
      if (cold.done.status !== 'SUCCEEDED') {
        results[kind] = {
          notMeasured: `the verify machine did not pass a ${kind} check: ${cold.done.status} ${cold.done.error ?? ''}`.trim(),
        };
        continue;
      }
      const warm = await once(input, false);
      if (warm.done.status !== 'SUCCEEDED') {
        results[kind] = { notMeasured: `a second ${kind} check did not pass: ${warm.done.status} ${warm.done.error ?? ''}`.trim() };
        continue;
      }
      // The second run is the steady state (a signin check's standing user exists by then); only
      // Secrets Manager is counted on the first, cold one (one call per secret-reading function
      // invoked: on AWS each has its own container): a check may land on new containers.
      const counts: CheckCounts = {
        kind,
        transitions: billedTransitions(warm.events),
        invocations: warm.invocations.map((i) => ({
          functionName: i.functionName,
          ms: Math.round(i.ms * 10) / 10,
          memoryMb: memory(i.functionName),
        })),
        dynamodb: dynamoUnits(warm.http),
        secretsManagerCalls: Math.max(
          countOf(cold.http, / secretsmanager\./),
          new Set(cold.invocations.map((i) => i.functionName).filter((f) => readers.has(f))).size,
        ),
        kmsCalls: countOf(warm.http, / kms\./),
        snsPublishes: countOf(warm.http, /^moto sns\b/),
        logEvents: warm.lines.length,
        logBytes: warm.lines.reduce((a, l) => a + Buffer.byteLength(l, 'utf8'), 0),
        smsSent: warm.sms,
        newUsers: countOf(warm.http, /^cognito .*\b(SignUp|AdminCreateUser)$/),
      };
      results[kind] = { counts, secretsCallsWarm: countOf(warm.http, / secretsmanager\./), status: warm.done.status, logLines: warm.lines };
    }
  } finally {
    sfn.destroy();
    await cloud.close();
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`checkCounts failed: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
