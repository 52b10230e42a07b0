/**
 * The simulation end to end: package the template (in parallel with the local cloud's start), run
 * the simulation, evaluate the alarms, and build the report (`--json`'s document).
 */
import * as P from '../bench/prices';
import { memoryByFunction } from '../bench/checkCounts';
import { startLocalCloud } from '../../local/cloud';
import { evaluateAlarms, pagesOf, readAlarms, SampleIndex } from './alarms';
import { defaultTimetable, type FaultKind } from './faults';
import { alarmsPerMonth, expectedFalsePagesPerMonth, matchPages, outages, recoveryMs, type Outage } from './report';
import { simulate } from './run';
import { probabilityLaterThan, type SmsModelOptions } from './smsModel';
import { packagedTemplate } from './template';

/** A passing sign-in check's time outside its SMS wait, about (the simulation's passing checks: ~5 s of SMS in ~6 s). */
const SIGNIN_OVERHEAD_MS = 2_000;

/** Alarms on the paging topic whose notifications are warnings (class `checker`, README "When it pages"). */
export const WARNING_ALARMS = ['CheckerFailingAlarm'];

/** The longest evaluation range of the stack's alarms (EvaluationPeriods + 2 periods, as CloudWatch reads). */
export function warmUpMs(alarms: { periodSeconds: number; evaluationPeriods: number }[]): number {
  return Math.max(0, ...alarms.map((a) => a.periodSeconds * (a.evaluationPeriods + 2) * 1000));
}

export interface SimulateInput {
  root: string;
  stage: string;
  days: number;
  seed: number;
  sms: SmsModelOptions;
  kinds: FaultKind[];
}

export interface SimulationReport {
  days: number;
  seed: number;
  smsModel: SmsModelOptions;
  checksRun: number;
  checksByKind: Record<string, number>;
  checksByStatus: Record<string, number>;
  unfinishedChecks: number;
  failedChecks: { check: string; at: string; status: string; error?: string; cause?: string }[];
  pages: { alarm: string; at: string; outage: string | null }[];
  falsePages: number;
  /** CheckerFailingAlarm's notifications: warnings about the checker's own parts, not pages. */
  warnings: { alarm: string; at: string }[];
  recoveryWindowMinutes: number;
  outages: Outage[];
  sms: { sent: number; lost: number; delivered: number };
  expectedFalsePagesPerMonth: {
    perMonth: number;
    byAlarm: Record<string, number>;
    attemptFails: number;
    checkFails: number;
    alarm: string;
    assumptions: string;
  };
  cost: { simulatedUsd: number; perMonthUsd: number; lines: { item: string; usd: number }[] };
  wallSeconds: number;
  phases: Record<string, number>;
  clock: { idleWaitSeconds: number; jumps: number };
  loadAverage: number[];
}

export async function runSimulation(input: SimulateInput, log: (line: string) => void): Promise<SimulationReport> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const mark = (name: string, since: number) => (phases[name] = Math.round(performance.now() - since) / 1000);
  const templating = packagedTemplate(input.root, input.stage);
  templating.catch(() => undefined);

  // The EMF lines of the handlers: CheckerFailures is a custom metric, written only there.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const checkerFailures: number[] = [];
  const cloud = await startLocalCloud({
    stage: input.stage,
    codeSource: 'none',
    lambdaLogs: (chunk) => {
      for (const line of chunk.text.split('\n')) {
        if (!line.includes('"CheckerFailures"')) continue;
        try {
          const emf = JSON.parse(line) as { _aws?: { Timestamp?: number }; CheckerFailures?: number };
          if (emf._aws && typeof emf.CheckerFailures === 'number') checkerFailures.push(emf._aws.Timestamp ?? Date.now());
        } catch {
          // not an EMF line
        }
      }
    },
  });
  mark('cloudStartSeconds', t0);
  try {
    const tSim = performance.now();
    const result = await simulate(
      cloud,
      {
        root: input.root,
        stage: input.stage,
        days: input.days,
        seed: input.seed,
        sms: input.sms,
        // After the alarms' warm-up (below): a fault before the first evaluation would be detected late by construction.
        faults: async (start, durationMs) => {
          const warmUp = warmUpMs(readAlarms((await templating).template));
          return defaultTimetable(start + warmUp, durationMs - warmUp, input.kinds);
        },
        log,
      },
      { checkerFailures },
    );
    mark('simulateSeconds', tSim);
    const tPkg = performance.now();
    const { template, cached } = await templating;
    mark(cached ? 'templateFromCacheSeconds' : 'templateWaitSeconds', tPkg);

    const alarms = readAlarms(template, { refs: { VerifyStateMachine: result.stateMachineArn } });
    // Evaluations start once every alarm's evaluation range lies inside the simulation: before it, a
    // deployed stack would have had checks, which the simulation does not have (a missing-is-breaching
    // alarm would page at the start). Faults start later (faults.ts defaultTimetable).
    const timelines = evaluateAlarms(alarms, new SampleIndex(result.datapoints), {
      from: result.start + warmUpMs(alarms),
      to: result.end,
      initialState: 'OK',
    });
    // CheckerFailingAlarm notifies the same topic but is a warning (class `checker`), not a page.
    const pages = pagesOf(alarms, timelines, { exclude: WARNING_ALARMS });
    const warnings = pagesOf(
      alarms.filter((a) => WARNING_ALARMS.includes(a.name)),
      timelines,
    ).map((w) => ({ alarm: w.alarm, at: new Date(w.at).toISOString() }));
    const paging = alarms.filter((a) => a.actionsEnabled && a.alarmActions > 0 && !WARNING_ALARMS.includes(a.name));
    const recovery = recoveryMs(paging);
    const matched = matchPages(pages, result.faults, recovery);
    const count = (key: (e: (typeof result.executions)[number]) => string) =>
      result.executions.reduce<Record<string, number>>((a, e) => ((a[key(e)] = (a[key(e)] ?? 0) + 1), a), {});

    const checkFailing = paging.find((a) => a.name === 'CheckFailingAlarm') ?? paging[0];
    const signin = result.checks.reduce((a, c) => (c.everyMinutes < a.everyMinutes ? c : a));
    const expected = expectedFalsePagesPerMonth(input.sms, {
      codeWaitMs: 150_000,
      retries: signin.retries,
      periodSeconds: checkFailing.periodSeconds,
      evaluationPeriods: checkFailing.evaluationPeriods,
      datapointsToAlarm: checkFailing.datapointsToAlarm,
      everyMinutes: signin.everyMinutes,
    });

    // SlowCheckAlarm (p90 of ExecutionTime over the threshold): with one check a period, one slow
    // check breaches it, and a check whose first attempt lost its SMS waits the whole code wait.
    const slow = alarms.find((a) => a.name === 'SlowCheckAlarm' && paging.includes(a));
    const slowPerMonth = slow
      ? alarmsPerMonth(input.sms.loss + (1 - input.sms.loss) * probabilityLaterThan(input.sms, slow.threshold - SIGNIN_OVERHEAD_MS), slow)
      : 0;

    // What the simulated checks used, at the bench's list prices (scripts/bench/prices.ts).
    const memory = memoryByFunction(input.root);
    const gbSeconds = result.lambda.reduce((a, i) => a + (Math.max(1, Math.ceil(i.ms)) / 1000) * (memory(i.functionName) / 1024), 0);
    const lines = [
      { item: `Lambda: ${result.lambda.length} requests`, usd: result.lambda.length * P.LAMBDA_PER_REQUEST },
      { item: `Lambda: ${gbSeconds.toFixed(1)} GB-s (local durations)`, usd: gbSeconds * P.LAMBDA_ARM_PER_GB_SECOND },
      { item: `SMS: ${result.sms.sent} sent`, usd: result.sms.sent * P.SMS_OUTBOUND_PER_MESSAGE },
      {
        item: `EventBridge Scheduler: ${result.executions.length} invocations`,
        usd: result.executions.length * P.SCHEDULER_PER_INVOCATION,
      },
    ];
    const simulatedUsd = lines.reduce((a, l) => a + l.usd, 0);

    return {
      days: input.days,
      seed: input.seed,
      smsModel: input.sms,
      checksRun: result.executions.length,
      checksByKind: count((e) => e.kind),
      checksByStatus: count((e) => (e.error ? `${e.status} ${e.error}` : e.status)),
      unfinishedChecks: result.unfinished,
      failedChecks: result.executions
        .filter((e) => e.status !== 'SUCCEEDED')
        .map((e) => ({ check: e.check, at: new Date(e.end).toISOString(), status: e.status, error: e.error, cause: e.cause })),
      pages: matched,
      falsePages: matched.filter((p) => p.outage === null).length,
      warnings,
      recoveryWindowMinutes: recovery / 60_000,
      outages: outages(result, pages, recovery),
      sms: result.sms,
      expectedFalsePagesPerMonth: {
        perMonth: expected.perMonth + slowPerMonth,
        byAlarm: { [checkFailing.name]: expected.perMonth, ...(slow && { [slow.name]: slowPerMonth }) },
        attemptFails: expected.attemptFails,
        checkFails: expected.checkFails,
        alarm: checkFailing.name,
        assumptions: `an attempt fails when its SMS is lost or later than the 150 s code wait; a check when all ${1 + signin.retries} attempts do; ${checkFailing.name} fires when ${checkFailing.datapointsToAlarm} of ${checkFailing.evaluationPeriods} ${checkFailing.periodSeconds / 60}-min periods hold a failed check; SlowCheckAlarm: a period breaches when its check's first SMS is lost or later than the threshold less ${SIGNIN_OVERHEAD_MS / 1000} s of other states; NoSuccessfulCheckAlarm not modelled (it needs 30 min without one passing check)`,
      },
      cost: { simulatedUsd, perMonthUsd: (simulatedUsd * 30) / input.days, lines },
      wallSeconds: Math.round(performance.now() - t0) / 1000,
      phases,
      clock: { idleWaitSeconds: Math.round(result.clock.idleWaitMs) / 1000, jumps: result.clock.jumps },
      loadAverage: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } finally {
    await cloud.close();
  }
}

export function simulationReport(r: SimulationReport): string[] {
  return [
    `Simulated ${r.days} day(s), seed ${r.seed}, SMS p50/p95/p99 ${r.smsModel.p50Ms / 1000}/${r.smsModel.p95Ms / 1000}/${r.smsModel.p99Ms / 1000} s, loss ${r.smsModel.loss}`,
    `checks run: ${r.checksRun} (${Object.entries(r.checksByStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    `SMS: ${r.sms.sent} sent, ${r.sms.lost} lost`,
    'outages:',
    ...r.outages.map(
      (o) =>
        `  ${o.kind.padEnd(26)} ${o.start} → ${o.end}  detected after ${o.detectedAfterMinutes ?? 'never'} min${o.neverRecovered ? `  NEVER RECOVERED: ${o.neverRecovered}` : ''}`,
    ),
    `pages: ${r.pages.length} (${r.falsePages} false)`,
    ...r.pages.map((p) => `  ${p.at} ${p.alarm} ${p.outage ?? 'FALSE PAGE'}`),
    `expected false pages a month: ${r.expectedFalsePagesPerMonth.perMonth.toPrecision(3)} (${Object.entries(
      r.expectedFalsePagesPerMonth.byAlarm,
    )
      .map(([k, v]) => `${k} ${v.toPrecision(3)}`)
      .join(', ')})`,
    `cost: USD ${r.cost.simulatedUsd.toFixed(4)} simulated, USD ${r.cost.perMonthUsd.toFixed(2)} a month at this rate`,
    `wall: ${r.wallSeconds} s (${Object.entries(r.phases)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); load ${r.loadAverage.join(' ')}`,
  ];
}
