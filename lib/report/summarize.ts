import { RUN_RETENTION_SECONDS } from '../runs/model';
import { objectiveFor, type CheckObjective } from './objectives';
import { percentiles } from './percentile';
import type { Bucket, ErrorBudget, KindReport, Report, RunRecord, StepStats } from './model';

/** A wait for an SMS code in the verify state machine: AwaitSignUpCode, AwaitMfaCode, AwaitSignInCode. */
const AWAIT_CODE = /^Await\w*Code$/;

/** Bucket sizes for the series, finest first; the first that splits the runs' span in at most MAX_BUCKETS is used. */
const BUCKETS: [string, number][] = [
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['6h', 21_600_000],
  ['1d', 86_400_000],
];
const MAX_BUCKETS = 48;

export interface ReportInput {
  runs: RunRecord[];
  /** The --since text, and the window it names. */
  since: string;
  from: Date;
  to: Date;
  /** Runs without a recorded Region ran in the stack's. */
  defaultRegion: string;
  objectives: CheckObjective[];
  /** --target: only this target's runs. */
  target?: string;
}

/** One check: its attempts (a first run and its confirming re-runs), decided by the last. */
interface Check {
  first: RunRecord;
  last: RunRecord;
  attempts: number;
}

const attemptOf = (r: RunRecord) => r.attempt ?? 1;
const time = (r: RunRecord) => Date.parse(r.startedAt);
const targetOf = (r: RunRecord) => r.targetName ?? r.userPoolId ?? '(unknown)';
const groupKey = (r: RunRecord, region: string) => JSON.stringify([r.kind ?? 'signup', targetOf(r), r.region ?? region]);

/** The SLO report: per kind, target and Region, from the run records of the window. */
export function summarize(input: ReportInput): Report {
  const from = input.from.getTime();
  const to = input.to.getTime();
  const runs = input.runs
    .filter((r) => time(r) >= from && time(r) <= to)
    .filter((r) => input.target === undefined || targetOf(r) === input.target)
    .sort((a, b) => time(a) - time(b));
  const [bucketName, bucketMs] = bucketFor(runs);
  const checks = checksOf(runs);

  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = groupKey(r, input.defaultRegion);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const kinds = [...groups.keys()].sort().map((key): KindReport => {
    const [kind, target, region] = JSON.parse(key) as [string, string, string];
    const own = groups.get(key)!;
    const ownChecks = checks.filter((c) => groupKey(c.first, input.defaultRegion) === key);
    const decided = ownChecks.filter((c) => c.last.status !== 'RUNNING');
    const failed = decided.filter((c) => c.last.status === 'FAIL');
    const objective = objectiveFor(input.objectives, kind, target);
    return {
      kind,
      target,
      region,
      runs: own.length,
      checks: decided.length,
      passed: decided.length - failed.length,
      failed: failed.length,
      retried: ownChecks.filter((c) => c.attempts > 1).length,
      running: ownChecks.length - decided.length,
      availability: decided.length ? (decided.length - failed.length) / decided.length : null,
      timeToSmsMs: { ...percentiles(smsWaits(own)), samples: smsWaits(own).length },
      stepsMs: stepStats(own),
      failuresByReason: countBy(failed, (c) => c.last.reason ?? 'Unknown'),
      failuresByClass: countBy(failed, (c) => c.last.class ?? 'unclassified'),
      errorBudget: errorBudget(decided.length, failed.length, objective.slo, objective.from),
      firstRunAt: own[0]!.startedAt,
      lastRunAt: own.at(-1)!.startedAt,
      series: series(ownChecks, own, bucketMs),
    };
  });

  const failedChecks = checks.filter((c) => c.last.status === 'FAIL');
  return {
    since: input.since,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    bucket: bucketName,
    runs: runs.length,
    oldestRunAt: input.runs.length ? oldest(input.runs) : null,
    kinds,
    series: series(checks, runs, bucketMs),
    failuresByReason: countBy(failedChecks, (c) => c.last.reason ?? 'Unknown'),
    notes: notes(input, runs, kinds),
  };
}

/** Attempts linked by retryOf are one check; a record without it is a check of its own. */
function checksOf(runs: RunRecord[]): Check[] {
  const byCheck = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = r.retryOf ?? r.runId;
    byCheck.set(key, [...(byCheck.get(key) ?? []), r]);
  }
  return [...byCheck.values()].map((attempts) => {
    const ordered = [...attempts].sort((a, b) => attemptOf(a) - attemptOf(b) || time(a) - time(b));
    return { first: ordered[0]!, last: ordered.at(-1)!, attempts: attempts.length };
  });
}

/**
 * How long each awaited code took, from passing runs only: every wait of a passing run got its
 * code, while a failed run's last wait may have ended at its timeout with no code at all.
 */
function smsWaits(runs: RunRecord[]): number[] {
  return runs.filter((r) => r.status === 'PASS').flatMap((r) => (r.steps ?? []).filter((s) => AWAIT_CODE.test(s.name)).map((s) => s.ms));
}

function stepStats(runs: RunRecord[]): Record<string, StepStats> {
  const byStep = new Map<string, number[]>();
  for (const r of runs) for (const s of r.steps ?? []) byStep.set(s.name, [...(byStep.get(s.name) ?? []), s.ms]);
  return Object.fromEntries(
    [...byStep].map(([name, ms]) => {
      const { p50, p95 } = percentiles(ms);
      return [name, { runs: ms.length, p50, p95 }];
    }),
  );
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function errorBudget(checks: number, failures: number, objective: number, objectiveFrom: string): ErrorBudget {
  const allowedFailures = (checks * (100 - objective)) / 100;
  const remaining = allowedFailures - failures;
  return {
    objective,
    objectiveFrom,
    allowedFailures,
    failures,
    remaining,
    remainingFraction: checks ? (allowedFailures > 0 ? remaining / allowedFailures : null) : null,
  };
}

function bucketFor(runs: RunRecord[]): [string, number] {
  const span = runs.length ? time(runs.at(-1)!) - time(runs[0]!) : 0;
  // Spans of more than two days are read per day, whatever the count.
  if (span > 2 * 86_400_000) return BUCKETS.at(-1)!;
  return BUCKETS.find(([, ms]) => Math.floor(span / ms) + 1 <= MAX_BUCKETS) ?? BUCKETS.at(-1)!;
}

/** Per bucket (UTC-aligned): decided checks by their first attempt's start, and the codes' waits by their run's. */
function series(checks: Check[], runs: RunRecord[], bucketMs: number): Bucket[] {
  const startOf = (r: RunRecord) => Math.floor(time(r) / bucketMs) * bucketMs;
  const starts = [...new Set(runs.map(startOf))].sort((a, b) => a - b);
  return starts.map((start) => {
    const decided = checks.filter((c) => startOf(c.first) === start && c.last.status !== 'RUNNING');
    const passed = decided.filter((c) => c.last.status === 'PASS').length;
    return {
      start: new Date(start).toISOString(),
      checks: decided.length,
      passed,
      availability: decided.length ? passed / decided.length : null,
      timeToSmsMs: percentiles(smsWaits(runs.filter((r) => startOf(r) === start))),
    };
  });
}

const RETENTION_DAYS = RUN_RETENTION_SECONDS / 86_400;

function notes(input: ReportInput, runs: RunRecord[], kinds: KindReport[]): string[] {
  const said: string[] = [];
  const window = `from ${input.from.toISOString()} to ${input.to.toISOString()}`;
  const of = input.target === undefined ? '' : ` of target ${input.target}`;
  if (!input.runs.length) said.push(`The runs table holds no run records ${window} (each is kept ${RETENTION_DAYS} days).`);
  else if (!runs.length) {
    const others = [...new Set(input.runs.map(targetOf))].sort().join(', ');
    said.push(`No runs${of} ${window}; the window holds ${input.runs.length} runs of other targets: ${others}.`);
  }
  const retention = input.to.getTime() - RUN_RETENTION_SECONDS * 1000;
  if (runs.length && input.from.getTime() < retention)
    said.push(
      `Run records are kept ${RETENTION_DAYS} days, so --since ${input.since} reaches past them: the oldest run read is from ${oldest(input.runs)}.`,
    );
  const running = kinds.reduce((n, k) => n + k.running, 0);
  if (running) said.push(`${running} check${running === 1 ? ' is' : 's are'} still running and not counted.`);
  const unclassified = kinds.reduce((n, k) => n + (k.failuresByClass.unclassified ?? 0), 0);
  if (unclassified)
    said.push(`${unclassified} failed check${unclassified === 1 ? ' was' : 's were'} recorded before failure classes: unclassified.`);
  return said;
}

const oldest = (runs: RunRecord[]) => runs.reduce((a, b) => (time(b) < time(a) ? b : a)).startedAt;
