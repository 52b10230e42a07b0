/**
 * The simulation end to end: package the template (in parallel with the local cloud's start), run
 * the simulation, evaluate the alarms, and build the report (`--json`'s document).
 */
import * as P from '../bench/prices';
import { memoryByFunction } from '../bench/checkCounts';
import { startLocalCloud } from '../../local/cloud';
import { evaluateAlarms, pagesOf, readAlarms, SampleIndex } from './alarms';
import { defaultTimetable, type FaultKind } from './faults';
import { expectedFalsePagesPerMonth, expectedNoSuccessPagesPerMonth, matchPages, outages, recoveryMs, type Outage } from './report';
import { monteCarloAlarmsPerMonth } from './monteCarlo';
import { simulate } from './run';
import type { SmsModelOptions } from './smsModel';
import { DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS, TIMEOUT_LIMITS } from '../../lib/verify/timeouts';
import { packagedTemplate } from './template';

/** A sign-in attempt's states but its code wait (the simulation's passing checks: about 6 s, 5 of them SMS). */
const SIGNIN_OTHER_STATES_MS = 2_000;
/** Months the Monte Carlo draws (about 5 s a year of checks here): enough to see a rate of 0.1 a month. */
const MONTE_CARLO_MONTHS = 24;

/** Alarms on the paging topic whose notifications are warnings, not pages (README "When it pages"). */
export const WARNING_ALARMS = ['CheckerFailingAlarm', 'SlowCheckAlarm'];

/** The custom metrics the handlers write as EMF lines (lib/metrics.ts) that the alarms read. */
const EMF_METRICS = ['CheckerFailures', 'FailedChecks'] as const;

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
    /** The same alarms over drawn months of sign-in checks, evaluated as the simulation's (monteCarlo.ts). */
    monteCarlo: { months: number; byAlarm: Record<string, number> };
  };
  /** Warnings (not pages) a month from a healthy pool, by Monte Carlo: SlowCheckAlarm. */
  expectedWarningsPerMonth: Record<string, number>;
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

  // The EMF lines of the handlers: FailedChecks and CheckerFailures are custom metrics, written only there.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const emf: Record<(typeof EMF_METRICS)[number], number[]> = { CheckerFailures: [], FailedChecks: [] };
  const cloud = await startLocalCloud({
    stage: input.stage,
    codeSource: 'none',
    lambdaLogs: (chunk) => {
      for (const line of chunk.text.split('\n')) {
        const metric = EMF_METRICS.find((m) => line.includes(`"${m}"`));
        if (!metric) continue;
        try {
          const doc = JSON.parse(line) as { _aws?: { Timestamp?: number } } & Record<string, unknown>;
          if (doc._aws && typeof doc[metric] === 'number') emf[metric].push(doc._aws.Timestamp ?? Date.now());
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
      emf,
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
    const codeWaitMs = TIMEOUT_LIMITS.mfaCodeSeconds.default * 1000;
    const modelled = result.checks.map((c) => ({
      everyMinutes: c.everyMinutes,
      retries: c.retries,
      smsPerAttempt: c.kind === 'signup' ? 2 : 1,
    }));
    const expected = expectedFalsePagesPerMonth(input.sms, {
      codeWaitMs,
      checks: modelled,
      periodSeconds: checkFailing.periodSeconds,
      evaluationPeriods: checkFailing.evaluationPeriods,
      datapointsToAlarm: checkFailing.datapointsToAlarm,
    });
    const signin = result.checks.reduce((a, c) => (c.everyMinutes < a.everyMinutes ? c : a));
    const noSuccess = paging.find((a) => a.name === 'NoSuccessfulCheckAlarm');
    const noSuccessPerMonth = noSuccess
      ? expectedNoSuccessPagesPerMonth(expected.checkFails, noSuccess.periodSeconds / 60 / signin.everyMinutes, noSuccess.periodSeconds)
      : 0;
    // The same alarms over many drawn months of sign-in checks (./monteCarlo.ts): SlowCheckAlarm's
    // sliding windows have no closed form; CheckFailingAlarm's cross-checks the one above.
    const monteCarlo = monteCarloAlarmsPerMonth(
      alarms.filter((a) => a.name === 'SlowCheckAlarm' || a.name === checkFailing.name),
      {
        sms: input.sms,
        months: MONTE_CARLO_MONTHS,
        seed: input.seed,
        cadenceMinutes: signin.everyMinutes,
        retries: signin.retries,
        codeWaitMs,
        holdMs: DEFAULT_PHONE_HOLD_AFTER_FAILURE_SECONDS * 1000,
        otherStatesMs: SIGNIN_OTHER_STATES_MS,
      },
    );

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
        perMonth: expected.perMonth + noSuccessPerMonth,
        byAlarm: { [checkFailing.name]: expected.perMonth, ...(noSuccess && { [noSuccess.name]: noSuccessPerMonth }) },
        attemptFails: expected.attemptFails,
        checkFails: expected.checkFails,
        alarm: checkFailing.name,
        assumptions: `an attempt fails when its SMS (sign-up: either of its 2) is lost or later than the ${codeWaitMs / 1000} s code wait; a check when all ${1 + signin.retries} attempts do; ${checkFailing.name} fires when ${checkFailing.datapointsToAlarm} of ${checkFailing.evaluationPeriods} ${checkFailing.periodSeconds / 60}-min periods hold a failed check${noSuccess ? `; ${noSuccess.name}: every check of a ${noSuccess.periodSeconds / 60}-min period fails (an upper bound)` : ''}`,
        monteCarlo: { months: MONTE_CARLO_MONTHS, byAlarm: { [checkFailing.name]: monteCarlo[checkFailing.name] ?? 0 } },
      },
      expectedWarningsPerMonth: { ...('SlowCheckAlarm' in monteCarlo && { SlowCheckAlarm: monteCarlo.SlowCheckAlarm }) },
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
