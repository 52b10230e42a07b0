/**
 * The cost and cold-start part of `npm run bench`: counts each kind of check on a local cloud of its
 * own (./checkCounts.ts, in a child process), packages the stack as deployed (`sls package`), reads
 * its fixed costs from the template and measures each bundle's cold load, and puts it all together.
 */
import { table } from '../../local/report';
import { COLD_LOAD_GUARD, coldLoadGuard, measureBundles, packageFunctions, type Bundle, type ColdLoadVerdict } from './coldStart';
import {
  DEFAULT_SCHEDULES,
  ingestedLogBytes,
  monthlyCost,
  PASSING_CHECK_LOG_BUDGET_BYTES,
  perCheckLines,
  sum,
  type CheckCounts,
  type MonthlyCost,
} from './costModel';
import { fixedResources } from './fixedCosts';
import { PRICES_AS_OF, PRICES_REGION } from './prices';
import { runTsx } from './runTsx';

export const COST_GOAL_USD = 3;

type Counted = { counts: CheckCounts; secretsCallsWarm: number; logLines: string[] } | { notMeasured: string };

export interface CostReport {
  pricesAsOf: string;
  region: string;
  checks: Record<
    string,
    { perCheckUsd: number; lines: { item: string; usd: number }[]; counts: CheckCounts; secretsCallsWarm: number } | { notMeasured: string }
  >;
  /** null with `skipped`: the fixed costs come from the packaged template. */
  cost: (MonthlyCost & { schedules: typeof DEFAULT_SCHEDULES; goalUsd: number }) | null;
  logs: { bytesPerPassingCheck: number | null; byKind: Record<string, number | null>; budgetBytes: number };
  bundles: Bundle[];
  /** The cold-load guard over `bundles` (coldStart.ts); null when no bundle was measured. */
  coldLoad: ColdLoadVerdict | null;
  /** What this run left out on purpose (`--skip-package`), so a reader does not take it for a zero. */
  skipped?: string[];
}

/** `tsx scripts/bench/checkCounts.ts`: its last stdout line is the JSON document. */
async function countChecks(root: string): Promise<Record<string, Counted>> {
  const run = await runTsx(root, 'scripts/bench/checkCounts.ts');
  try {
    if (run.code !== 0) throw new Error(`exit ${run.code}`);
    return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Record<string, Counted>;
  } catch (e) {
    throw new Error(`checkCounts: ${(e as Error).message}\n${run.stderr.slice(-2000)}`, { cause: e });
  }
}

/**
 * `skipPackage` leaves out `sls package` (30–70 s here) and what needs its output: the fixed costs
 * (so the monthly total) and the bundles' cold load. The checks and their logs are still counted.
 */
export async function costReport(root: string, opts: { pairs?: number; skipPackage?: boolean } = {}): Promise<CostReport> {
  const counted = await countChecks(root);
  const packageDir = opts.skipPackage ? undefined : packageFunctions(root);
  const fixed = packageDir ? fixedResources(packageDir) : undefined;
  const bundles = packageDir ? measureBundles(packageDir, opts.pairs ?? 5) : [];
  const measured = Object.values(counted).flatMap((c) => ('counts' in c ? [c.counts] : []));
  const checks: CostReport['checks'] = {};
  const byKind: Record<string, number | null> = {};
  for (const [kind, c] of Object.entries(counted)) {
    if ('counts' in c) {
      const lines = perCheckLines(c.counts);
      checks[kind] = {
        perCheckUsd: round6(sum(lines)),
        lines: lines.map((l) => ({ ...l, usd: round6(l.usd) })),
        counts: c.counts,
        secretsCallsWarm: c.secretsCallsWarm,
      };
      byKind[kind] = ingestedLogBytes(c.logLines);
    } else {
      checks[kind] = c;
      byKind[kind] = null;
    }
  }
  const known = Object.values(byKind).filter((b): b is number => b !== null);
  return {
    pricesAsOf: PRICES_AS_OF,
    region: PRICES_REGION,
    checks,
    cost: fixed ? { ...monthlyCost(measured, fixed), schedules: DEFAULT_SCHEDULES, goalUsd: COST_GOAL_USD } : null,
    logs: { bytesPerPassingCheck: known.length ? Math.max(...known) : null, byKind, budgetBytes: PASSING_CHECK_LOG_BUDGET_BYTES },
    bundles,
    coldLoad: coldLoadGuard(bundles),
    ...(!packageDir && { skipped: ['cost (fixed costs come from the packaged template)', 'bundles (cold load)'] }),
  };
}

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;
const usd = (n: number | null, digits = 2) => (n === null ? 'not measured' : `$${n.toFixed(digits)}`);

/** The human tables. */
export function printCostReport(r: CostReport): string[] {
  const out: string[] = [`Cost (list prices ${r.region}, ${r.pricesAsOf}, no free tier; scripts/bench/prices.ts)`];
  const kinds = Object.keys(r.checks);
  const perCheck = kinds.map((k) => {
    const c = r.checks[k];
    return 'notMeasured' in c
      ? [k, 'not measured', c.notMeasured]
      : [
          k,
          `$${c.perCheckUsd.toFixed(6)}`,
          `${c.counts.transitions} transitions, ${c.counts.invocations.length} Lambda calls, ${c.counts.smsSent} SMS, ${c.counts.newUsers} new user(s)`,
        ];
  });
  out.push(...table(['check kind', 'per check (ex SMS, MAU)', 'counted'], perCheck));
  for (const k of kinds) {
    const c = r.checks[k];
    if ('lines' in c)
      out.push(
        `  ${k}, one check:`,
        ...table(
          ['', 'USD'],
          c.lines.map((l) => [l.item, l.usd.toFixed(7)]),
          '    ',
        ),
      );
  }
  const m = r.cost;
  out.push('', 'Per month, default checks (inbound-SMS route)');
  if (!m) out.push('  not measured: --skip-package (the fixed costs come from the packaged template)');
  else
    out.push(
      ...table(
        ['item', 'USD / month'],
        [
          ...m.lines.map((l) => [l.item, l.usd.toFixed(4)]),
          ...m.notMeasured.map((k) => [`${k} checks`, 'not measured']),
          ['total, SMS excluded (cost.perMonthUsdExSms)', usd(m.perMonthUsdExSms)],
          [`  Cognito on Essentials instead of Lite (${m.cognito.monthlyActiveUsers ?? '?'} MAU)`, usd(m.cognito.essentialsUsd)],
          [`outside: SMS (${m.outside.smsPerMonth ?? '?'} a month)`, usd(m.outside.smsUsd)],
          ['outside: the inbound phone number', usd(m.outside.phoneNumberUsd)],
          ['outside: the dashboard, when dashboard=true', usd(m.outside.dashboardUsd)],
          [
            'outside: the Custom SMS Sender route, when customSmsSender=true (KMS key; plus KMS requests per check)',
            usd(m.outside.customSmsSenderUsd),
          ],
          ['outside: the Twilio route, when twilioWebhook=true (auth-token secret)', usd(m.outside.twilioRouteUsd)],
          [`beside: a CloudWatch Synthetics canary at the same cadence (${m.canary.runsPerMonth} runs)`, usd(m.canary.usd)],
          ...(m.acrossRegions
            ? [
                [
                  'across Regions: each further Region (a pool there, signin every 5 min; SMS excluded)',
                  usd(m.acrossRegions.furtherRegion.totalExSmsUsd),
                ],
                [
                  'across Regions: each replica (its secondary, signin every 5 min; SMS excluded)',
                  usd(m.acrossRegions.replica.totalExSmsUsd),
                ],
                [`across Regions: SMS of either (${m.acrossRegions.replica.smsPerMonth} a month)`, usd(m.acrossRegions.replica.smsUsd)],
                ['across Regions: the failover health check, when failoverHealthCheck=true', usd(m.acrossRegions.failoverHealthCheckUsd)],
              ]
            : []),
        ],
      ),
    );
  out.push('', `Logs of one passing check (bytes ingested, budget ${r.logs.budgetBytes})`);
  out.push(
    ...table(
      ['kind', 'bytes'],
      Object.entries(r.logs.byKind).map(([k, b]) => [k, b === null ? 'not measured' : String(b)]),
    ),
  );
  out.push('', 'Cold load of each packaged bundle (CPU vs a bare node, median of pairs)');
  if (!r.bundles.length) out.push('  not measured: --skip-package');
  else
    out.push(
      ...table(
        ['function', 'bytes', 'CPU ratio', 'CPU ms', 'bare ms'],
        r.bundles.map((b) => [b.name, b.bytes, b.coldInitCpuRatio.toFixed(2), b.coldInitCpuMs, b.bareCpuMs]),
      ),
    );
  return out;
}

const NOT_MEASURED = { value: 'not measured', ok: false };

/** PASS/MISS lines for the goals of issues 12 and 20 (the cold-load guard). */
export function costTargets(r: CostReport) {
  const guard = r.coldLoad;
  return [
    {
      name: 'cost per month, SMS excluded',
      target: `≤ $${COST_GOAL_USD}`,
      ...(r.cost
        ? { value: usd(r.cost.perMonthUsdExSms), ok: r.cost.perMonthUsdExSms !== null && r.cost.perMonthUsdExSms <= COST_GOAL_USD }
        : NOT_MEASURED),
    },
    {
      name: 'cold load, median over bundles (guard)',
      target: `≤ ${COLD_LOAD_GUARD.medianRatio.toFixed(1)}×`,
      ...(guard ? { value: `${guard.medianRatio.toFixed(2)}×`, ok: guard.medianRatio <= guard.limits.medianRatio } : NOT_MEASURED),
    },
    {
      name: 'cold load, worst bundle (guard)',
      target: `≤ ${COLD_LOAD_GUARD.worstRatio.toFixed(1)}×`,
      ...(guard
        ? { value: `${guard.worstRatio.toFixed(2)}× (${guard.worstBundle})`, ok: guard.worstRatio <= guard.limits.worstRatio }
        : NOT_MEASURED),
    },
    {
      name: 'logs of a passing check',
      value: r.logs.bytesPerPassingCheck === null ? 'not measured' : `${r.logs.bytesPerPassingCheck} B`,
      target: `≤ ${r.logs.budgetBytes} B`,
      // A passing check logs at least its verdict: 0 bytes means the capture saw nothing (issue 20).
      ok: !!r.logs.bytesPerPassingCheck && r.logs.bytesPerPassingCheck <= r.logs.budgetBytes,
    },
  ];
}
