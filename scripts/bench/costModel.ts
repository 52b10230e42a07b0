/**
 * What a check costs, from what one run of it counted in the local cloud, at the list prices of
 * ./prices.ts. Pure arithmetic: the counting is ./checkCounts.ts, the fixed resources ./fixedCosts.ts.
 */
import * as P from './prices';

/** What one passing check of a kind did, as counted. */
export interface CheckCounts {
  kind: string;
  /** History events that enter a state, plus task retries (each is billed as a transition). */
  transitions: number;
  invocations: { functionName: string; ms: number; memoryMb: number }[];
  dynamodb: { readUnits: number; writeUnits: number };
  /** On a cold container (no cached secret), the worst case for a check every few minutes. */
  secretsManagerCalls: number;
  kmsCalls: number;
  snsPublishes: number;
  /** Log events and their bytes, Lambda and state machine, as CloudWatch Logs would ingest them. */
  logEvents: number;
  logBytes: number;
  smsSent: number;
  newUsers: number;
}

export interface Schedule {
  kind: string;
  cadence: string;
  perMonth: number;
  /** Retries before a verdict (issue 18, checks.yml `retries`); absent: 0. */
  retries?: number;
}

/**
 * Share of checks assumed to fail with a retryable reason and be run again (issue 18): the same
 * assumption as the SMS guardrail (plugins/smsBudget.js ASSUMED_FAILURE_RATE), not a measurement.
 * Expected re-runs a month = runs × this × retries; each priced as a whole passing run (an upper
 * bound: a failed attempt stops early, though it waits longer).
 */
export const ASSUMED_RETRY_FAILURE_RATE = 0.05;

/** Expected re-runs a month of a schedule (issue 18). */
export const retryRunsPerMonth = (s: Schedule, failureRate = ASSUMED_RETRY_FAILURE_RATE) =>
  Math.round(s.perMonth * failureRate * (s.retries ?? 0));

/** The default checks (issue 12): signin every 5 minutes, signup every 6 hours, 30-day month. */
export const DEFAULT_SCHEDULES: Schedule[] = [
  { kind: 'signin', cadence: 'every 5 min', perMonth: (30 * 24 * 60) / 5, retries: 2 },
  { kind: 'signup', cadence: 'every 6 h', perMonth: (30 * 24) / 6, retries: 2 },
];

/** A signin check signs in one standing user per target and phone; the default list has one. */
export const STANDING_USERS_PER_SIGNIN_SCHEDULE = 1;

/** CloudWatch Logs meters each event's UTF-8 message plus 26 bytes (PutLogEvents batch size; assumed the billed size). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

/** Issue 12 item 6: a passing check writes at most this much log (state machine and Lambda), overhead included. */
export const PASSING_CHECK_LOG_BUDGET_BYTES = 4096;

/** Bytes CloudWatch Logs ingests for these lines. */
export const ingestedLogBytes = (lines: string[]) => lines.reduce((a, l) => a + Buffer.byteLength(l, 'utf8') + LOG_EVENT_OVERHEAD_BYTES, 0);

export interface Line {
  item: string;
  usd: number;
}

/** One check of a kind, excluding SMS and Cognito MAU (priced per month, not per check). */
export function perCheckLines(c: CheckCounts): Line[] {
  const gbSeconds = c.invocations.reduce((sum, i) => sum + (Math.max(1, Math.ceil(i.ms)) / 1000) * (i.memoryMb / 1024), 0);
  return [
    { item: `Step Functions: ${c.transitions} state transitions`, usd: c.transitions * P.SFN_PER_TRANSITION },
    { item: `Lambda: ${c.invocations.length} requests`, usd: c.invocations.length * P.LAMBDA_PER_REQUEST },
    { item: `Lambda: ${gbSeconds.toFixed(3)} GB-s (arm64, local durations)`, usd: gbSeconds * P.LAMBDA_ARM_PER_GB_SECOND },
    {
      item: `DynamoDB: ${c.dynamodb.readUnits} RRU + ${c.dynamodb.writeUnits} WRU`,
      usd: c.dynamodb.readUnits * P.DYNAMODB_PER_READ_REQUEST_UNIT + c.dynamodb.writeUnits * P.DYNAMODB_PER_WRITE_REQUEST_UNIT,
    },
    { item: `Secrets Manager: ${c.secretsManagerCalls} calls (cold containers)`, usd: c.secretsManagerCalls * P.SECRETS_PER_API_CALL },
    { item: `KMS: ${c.kmsCalls} requests`, usd: c.kmsCalls * P.KMS_PER_REQUEST },
    { item: `SNS: ${c.snsPublishes} publishes`, usd: c.snsPublishes * P.SNS_PER_PUBLISH },
    {
      item: `CloudWatch Logs: ${c.logEvents} events, ${c.logBytes} bytes`,
      usd: ((c.logBytes + c.logEvents * LOG_EVENT_OVERHEAD_BYTES) / 1e9) * P.LOGS_PER_GB_INGESTED,
    },
    { item: 'X-Ray: 1 trace (state machine tracing)', usd: P.XRAY_PER_TRACE },
    { item: 'EventBridge Scheduler: 1 invocation', usd: P.SCHEDULER_PER_INVOCATION },
  ];
}

export const sum = (lines: Line[]) => lines.reduce((a, l) => a + l.usd, 0);

/** Resources billed by the month whatever the checks do, as the packaged template has them. */
export interface FixedResources {
  secrets: number;
  kmsKeys: number;
  alarmMetrics: number;
  customMetricSeries: number;
  dashboards: number;
}

export function fixedLines(f: FixedResources): Line[] {
  return [
    { item: `Secrets Manager: ${f.secrets} secret(s)`, usd: f.secrets * P.SECRET_PER_MONTH },
    { item: `KMS: ${f.kmsKeys} customer managed key(s) (Custom SMS Sender)`, usd: f.kmsKeys * P.KMS_KEY_PER_MONTH },
    { item: `CloudWatch: ${f.alarmMetrics} alarm metric(s)`, usd: f.alarmMetrics * P.ALARM_METRIC_PER_MONTH },
    // Charged a full month each although the series is written only when a code is lost: CloudWatch's
    // pricing page says custom metrics are prorated by the hour, but how a series that is emitted
    // rarely is billed could not be confirmed from documentation here, so the conservative figure stands.
    {
      item: `CloudWatch: ${f.customMetricSeries} custom metric series (full month each; hourly proration not confirmed)`,
      usd: f.customMetricSeries * P.METRIC_PER_MONTH,
    },
  ];
}

export interface MonthlyCost {
  /** null when a default check's kind has no measured run: no figure is invented for it. */
  perMonthUsdExSms: number | null;
  notMeasured: string[];
  lines: Line[];
  cognito: { monthlyActiveUsers: number | null; liteUsd: number | null; essentialsUsd: number | null };
  /**
   * Outside perMonthUsdExSms: the SMS channel (messages, the inbound number), the optional dashboard
   * (param dashboard=true) and the optional code routes' fixed costs, which the packaged template has
   * only with their params (customSmsSender=true: the KMS key; twilioWebhook=true: the auth-token secret).
   */
  outside: {
    smsUsd: number | null;
    smsPerMonth: number | null;
    phoneNumberUsd: number;
    dashboardUsd: number;
    customSmsSenderUsd: number;
    twilioRouteUsd: number;
  };
  canary: { runsPerMonth: number; usd: number };
  /** Issue 19: what each further Region or replica adds at the default signin cadence, and the failover signal. */
  acrossRegions?: AcrossRegions;
}

/** A further signin check at the default cadence, on a pool in another Region or on a pool's secondary replica. */
export interface FurtherCheck {
  checksPerMonth: number;
  /** Step Functions, Lambda, DynamoDB, logs… of those checks, in the stage's Region (same per check as any signin). */
  checksUsd: number;
  /** A few KB a check to the other Region's Cognito endpoint, at the inter-Region transfer price. */
  crossRegionTransferUsd: number;
  /** One more standing user (a new pool's); 0 for a replica, whose standing user is the primary's, replicated. */
  monthlyActiveUsers: number;
  cognitoUsd: number;
  /** Ex SMS: checks, transfer and MAU. */
  totalExSmsUsd: number;
  /** SMS are priced per destination country, whichever Region sends them: 1 per signin check. */
  smsPerMonth: number;
  smsUsd: number;
}

export interface AcrossRegions {
  furtherRegion: FurtherCheck;
  replica: FurtherCheck;
  /** failoverHealthCheck=true: the Route 53 health check, its alarm's metric and the metric filter's series. */
  failoverHealthCheckUsd: number;
  failoverHealthCheckLines: Line[];
}

/** Bytes a signin check exchanges with Cognito (requests and answers, tokens included): an upper bound, not measured. */
export const CROSS_REGION_BYTES_PER_CHECK = 32 * 1024;

/** What one further signin check (another Region's pool, or a replica) costs a month at the default cadence. */
export function furtherSigninCheck(signin: CheckCounts, replica: boolean, schedule: Schedule = DEFAULT_SCHEDULES[0]!): FurtherCheck {
  const checksUsd = sum(perCheckLines(signin)) * schedule.perMonth;
  const crossRegionTransferUsd = ((CROSS_REGION_BYTES_PER_CHECK * schedule.perMonth) / 1e9) * P.INTER_REGION_PER_GB;
  const monthlyActiveUsers = replica ? 0 : STANDING_USERS_PER_SIGNIN_SCHEDULE;
  const cognitoUsd = monthlyActiveUsers * P.COGNITO_LITE_PER_MAU;
  const smsPerMonth = signin.smsSent * schedule.perMonth;
  return {
    checksPerMonth: schedule.perMonth,
    checksUsd: round(checksUsd),
    crossRegionTransferUsd: round(crossRegionTransferUsd),
    monthlyActiveUsers,
    cognitoUsd: round(cognitoUsd),
    totalExSmsUsd: round(checksUsd + crossRegionTransferUsd + cognitoUsd),
    smsPerMonth,
    smsUsd: round(smsPerMonth * P.SMS_OUTBOUND_PER_MESSAGE),
  };
}

/** The failover signal's monthly lines (resources/monitoring.yml, only with failoverHealthCheck=true). */
export function failoverHealthCheckLines(): Line[] {
  return [
    { item: 'Route 53: 1 health check on a CloudWatch alarm (CLOUDWATCH_METRIC)', usd: P.ROUTE53_HEALTH_CHECK_PER_MONTH },
    { item: 'CloudWatch: 1 alarm metric (the sign-in check alarm)', usd: P.ALARM_METRIC_PER_MONTH },
    { item: 'CloudWatch: 1 custom metric series (SignInCheckFailures, from a log metric filter)', usd: P.METRIC_PER_MONTH },
  ];
}

export function acrossRegions(signin: CheckCounts | undefined): AcrossRegions | undefined {
  if (!signin) return undefined;
  const lines = failoverHealthCheckLines();
  return {
    furtherRegion: furtherSigninCheck(signin, false),
    replica: furtherSigninCheck(signin, true),
    failoverHealthCheckUsd: round(sum(lines)),
    failoverHealthCheckLines: lines,
  };
}

/** The default checks for a month: per-check costs × schedules, fixed costs, Cognito MAU at the Lite price. */
export function monthlyCost(
  counts: CheckCounts[],
  fixed: FixedResources,
  schedules: Schedule[] = DEFAULT_SCHEDULES,
  failureRate = ASSUMED_RETRY_FAILURE_RATE,
): MonthlyCost {
  const byKind = new Map(counts.map((c) => [c.kind, c]));
  const notMeasured = schedules.filter((s) => !byKind.has(s.kind)).map((s) => s.kind);
  const lines: Line[] = [];
  let smsPerMonth = 0;
  let newUsers = 0;
  for (const s of schedules) {
    const c = byKind.get(s.kind);
    if (!c) continue;
    lines.push({ item: `${s.kind} checks: ${s.perMonth} a month (${s.cadence})`, usd: sum(perCheckLines(c)) * s.perMonth });
    smsPerMonth += c.smsSent * s.perMonth;
    newUsers += c.newUsers * s.perMonth;
    const reRuns = retryRunsPerMonth(s, failureRate);
    if (reRuns > 0) {
      lines.push({
        item: `${s.kind} re-runs: ${reRuns} a month (${failureRate * 100}% assumed failing × ${s.retries} retries)`,
        usd: sum(perCheckLines(c)) * reRuns,
      });
      smsPerMonth += c.smsSent * reRuns;
      newUsers += c.newUsers * reRuns;
    }
  }
  lines.push(...fixedLines(fixed));
  const standing = schedules.filter((s) => s.kind === 'signin').length * STANDING_USERS_PER_SIGNIN_SCHEDULE;
  const mau = notMeasured.length ? null : newUsers + standing;
  if (mau !== null)
    lines.push({
      item: `Cognito: ${mau} MAU at the Lite price (${newUsers} new + ${standing} standing)`,
      usd: mau * P.COGNITO_LITE_PER_MAU,
    });
  const total = sum(lines);
  const runs = schedules.reduce((a, s) => a + s.perMonth, 0);
  return {
    perMonthUsdExSms: notMeasured.length ? null : round(total),
    notMeasured,
    lines: lines.map((l) => ({ ...l, usd: round(l.usd) })),
    cognito: {
      monthlyActiveUsers: mau,
      liteUsd: mau === null ? null : round(mau * P.COGNITO_LITE_PER_MAU),
      essentialsUsd: mau === null ? null : round(mau * P.COGNITO_ESSENTIALS_PER_MAU),
    },
    outside: {
      smsPerMonth: notMeasured.length ? null : smsPerMonth,
      smsUsd: notMeasured.length ? null : round(smsPerMonth * P.SMS_OUTBOUND_PER_MESSAGE),
      phoneNumberUsd: P.PHONE_NUMBER_PER_MONTH,
      dashboardUsd: P.DASHBOARD_PER_MONTH,
      customSmsSenderUsd: P.KMS_KEY_PER_MONTH,
      twilioRouteUsd: P.SECRET_PER_MONTH,
    },
    canary: { runsPerMonth: runs, usd: round(runs * P.CANARY_PER_RUN) },
    acrossRegions: acrossRegions(byKind.get('signin')),
  };
}

const round = (usd: number) => Math.round(usd * 10_000) / 10_000;
