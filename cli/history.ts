import { DescribeExecutionCommand, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RunItem } from '../lib/runs/model';
import { attemptRunId } from '../lib/verify/attempts';
import { classOf, type FailureClass } from '../lib/verify/classify';
import { Backoff, mapLimited, type PollOptions } from './poll';

/** DescribeExecution calls in flight at once when listing runs. */
const DESCRIBE_CONCURRENCY = 4;

export interface RunSummary {
  runId: string;
  status: string;
  verdict: 'PASS' | 'FAIL' | 'RUNNING';
  reason?: string;
  cause?: string;
  startedAt?: string;
  durationMs?: number;
  steps?: { name: string; ms: number }[];
  /**
   * What the synthetic user's first sign-in returned, for a passing run: `mfa-challenged`, or
   * `tokens-without-mfa` (Cognito's documented first sign-in of a new user; the second sign-in
   * was then challenged). A failing run's cause says it.
   */
  firstSignIn?: 'mfa-challenged' | 'tokens-without-mfa';
  /** signup or signin (the execution input's kind; absent means signup), and, for a passing sign-in run, what became of its standing user. */
  kind?: string;
  standingUser?: string;
  /** A FAIL's class (issue 18): pool and sms page, checker warns. */
  class?: FailureClass;
  /** The attempt that decided (1, or a re-run: 2..). */
  attempt?: number;
  /** Every attempt of the check, linked, when the runs table can be read (issue 18). */
  attempts?: AttemptSummary[];
  /** The Region of the pool the run checked (a replica's for a secondary target), when known. */
  region?: string;
  /** The target name the run was started with, if any. */
  target?: string;
}

/** One attempt of a check, from its run record. */
export interface AttemptSummary {
  runId: string;
  attempt: number;
  retryOf?: string;
  verdict: string;
  reason?: string;
  class?: FailureClass;
  /** A code that came after the attempt's wait ended (SmsLate, or evidence after the verdict). */
  smsLateByMs?: number;
}

/** Reads a run record; undefined when there is none. */
export type RunReader = (runId: string) => Promise<RunItem | undefined>;

/** A check's attempts from its first run's record (`attempts`) and each re-run's (issue 18). */
export async function attemptsOf(readRun: RunReader, executionName: string): Promise<AttemptSummary[] | undefined> {
  const first = await readRun(executionName);
  if (!first) return undefined;
  const records = [first];
  for (let n = 2; n <= (first.attempts ?? 1); n++) {
    const run = await readRun(attemptRunId(executionName, n));
    if (run) records.push(run);
  }
  return records.map((r) => ({
    runId: r.runId,
    attempt: r.attempt ?? 1,
    ...(r.retryOf !== undefined && { retryOf: r.retryOf }),
    verdict: r.status,
    ...(typeof (r as { reason?: unknown }).reason === 'string' && { reason: (r as { reason?: string }).reason }),
    ...(r.class !== undefined && { class: r.class }),
    ...(typeof r.smsLateByMs === 'number' && { smsLateByMs: r.smsLateByMs }),
  }));
}

/** Runs that no Catch could end: the same reasons the stopped-run clean-up records and alarms count. */
const STOPPED_REASON: Record<string, string> = { TIMED_OUT: 'TimedOut', ABORTED: 'Aborted' };

/** The last N verification runs with verdict, reason and step timings, newest first. */
export async function recentRuns(
  sfn: SFNClient,
  verifyArn: string,
  limit: number,
  poll: PollOptions = {},
  readRun?: RunReader,
): Promise<RunSummary[]> {
  // A few calls at a time, throttling waited out: `history --limit 1000` must not storm the API.
  const backoff = new Backoff(poll);
  const { executions = [] } = await backoff.call('ListExecutions', () =>
    sfn.send(new ListExecutionsCommand({ stateMachineArn: verifyArn, maxResults: limit })),
  );
  return mapLimited(executions, DESCRIBE_CONCURRENCY, async (execution): Promise<RunSummary> => {
    const d = await backoff.call('DescribeExecution', () =>
      sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })),
    );
    const output = d.output
      ? (JSON.parse(d.output) as {
          durationMs?: number;
          steps?: RunSummary['steps'];
          firstSignIn?: RunSummary['firstSignIn'];
          standingUser?: string;
          attempt?: number;
          region?: string;
        })
      : undefined;
    const reason = d.status === 'SUCCEEDED' || d.status === 'RUNNING' ? undefined : (STOPPED_REASON[d.status ?? ''] ?? d.error ?? d.status);
    const attempts = readRun && execution.name ? await attemptsOf(readRun, execution.name) : undefined;
    const input = d.input ? (JSON.parse(d.input) as { kind?: unknown; target?: unknown; userPoolId?: unknown }) : {};
    const kind = input.kind ?? 'signup';
    // A passing run's output names its Region; else a pool id's prefix (a target's is resolved by the caller).
    const region = output?.region ?? (typeof input.userPoolId === 'string' ? /^([a-z0-9-]+)_/.exec(input.userPoolId)?.[1] : undefined);
    return {
      runId: execution.name ?? '',
      status: d.status ?? 'UNKNOWN',
      verdict: d.status === 'SUCCEEDED' ? 'PASS' : d.status === 'RUNNING' ? 'RUNNING' : 'FAIL',
      reason,
      ...(reason !== undefined && { class: classOf(reason) }),
      cause: d.cause,
      startedAt: d.startDate?.toISOString(),
      durationMs: output?.durationMs ?? (d.stopDate && d.startDate ? d.stopDate.getTime() - d.startDate.getTime() : undefined),
      steps: output?.steps,
      ...(output?.firstSignIn && { firstSignIn: output.firstSignIn }),
      ...(typeof kind === 'string' && { kind }),
      ...(output?.standingUser && { standingUser: output.standingUser }),
      ...((output?.attempt ?? attempts?.at(-1)?.attempt) !== undefined && { attempt: output?.attempt ?? attempts?.at(-1)?.attempt }),
      ...(attempts && { attempts }),
      ...(region && { region }),
      ...(typeof input.target === 'string' && { target: input.target }),
    };
  });
}

export function successRate(runs: RunSummary[]): number | undefined {
  const finished = runs.filter((r) => r.verdict !== 'RUNNING');
  return finished.length ? finished.filter((r) => r.verdict === 'PASS').length / finished.length : undefined;
}

/** Runs grouped by the Region of the pool they checked ("unknown" when nothing says it), each with its success rate. */
export function byRegion(runs: RunSummary[]): Record<string, { runs: number; successRate?: number }> {
  const groups = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const key = r.region ?? 'unknown';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([region, rs]) => [region, { runs: rs.length, successRate: successRate(rs) }]),
  );
}

/** Fills in the Region of runs started by target name, from the targets' records (read once per name). */
export async function withTargetRegions(
  runs: RunSummary[],
  regionOf: (target: string) => Promise<string | undefined>,
): Promise<RunSummary[]> {
  const known = new Map<string, Promise<string | undefined>>();
  return Promise.all(
    runs.map(async (r) => {
      if (r.region || !r.target) return r;
      if (!known.has(r.target))
        known.set(
          r.target,
          regionOf(r.target).catch(() => undefined),
        );
      const region = await known.get(r.target)!;
      return region ? { ...r, region } : r;
    }),
  );
}
