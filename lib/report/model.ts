import type { RunItem } from '../runs/model';
import type { RunResult } from '../runs/finishRun';
import type { Percentiles } from './percentile';

/**
 * What the report reads of a run record (RUN#…): who and where, when, the verdict and its step
 * timings. No phone, username or session: the read projects only these attributes.
 */
export type RunRecord = Pick<RunItem, 'runId' | 'startedAt' | 'status'> &
  Partial<Pick<RunItem, 'kind' | 'targetName' | 'userPoolId' | 'region' | 'class' | 'attempt' | 'retryOf' | 'ttl'>> & {
    reason?: RunResult['reason'] | null;
    endedAt?: string;
    durationMs?: number | null;
    steps?: RunResult['steps'];
  };

export interface ErrorBudget {
  /** Percent of checks that should pass. */
  objective: number;
  /** `default`, or the checks.yml entry that set it. */
  objectiveFrom: string;
  /** Failed checks the objective allows over the window's checks: checks × (100 − objective) / 100. */
  allowedFailures: number;
  failures: number;
  /** allowedFailures − failures: below zero once the objective is missed. */
  remaining: number;
  /** remaining / allowedFailures (1: untouched, 0: spent, below 0: overspent); null without checks. */
  remainingFraction: number | null;
}

export interface Bucket {
  /** ISO start of the bucket (UTC). */
  start: string;
  checks: number;
  passed: number;
  availability: number | null;
  timeToSmsMs: Percentiles;
}

export interface StepStats {
  runs: number;
  p50: number | null;
  p95: number | null;
}

export interface KindReport {
  kind: string;
  target: string;
  region: string;
  /** Run records in the window, every attempt, running ones too. */
  runs: number;
  /** Decided checks: a chain of attempts (retryOf) is one check, decided by its last attempt. */
  checks: number;
  passed: number;
  failed: number;
  /** Checks that took more than one attempt. */
  retried: number;
  /** Checks still running (not counted in availability). */
  running: number;
  /** passed / checks; null without a decided check. */
  availability: number | null;
  /** Each awaited code of a passing run: how long its Await…Code state waited (Step Functions' timing). */
  timeToSmsMs: Percentiles & { samples: number };
  stepsMs: Record<string, StepStats>;
  /** Failed checks by their deciding attempt's reason and class (`unclassified`: records before classes). */
  failuresByReason: Record<string, number>;
  failuresByClass: Record<string, number>;
  errorBudget: ErrorBudget;
  firstRunAt: string;
  lastRunAt: string;
  series: Bucket[];
}

export interface Report {
  since: string;
  from: string;
  to: string;
  /** The series' bucket: 1d over spans of days, shorter over a few hours of runs. */
  bucket: string;
  runs: number;
  /** The oldest run record read, or null: a table whose runs expired says so. */
  oldestRunAt: string | null;
  kinds: KindReport[];
  /** All kinds together, per bucket (the time-to-SMS chart). */
  series: Bucket[];
  failuresByReason: Record<string, number>;
  /** What the report has and lacks, in sentences. */
  notes: string[];
}
