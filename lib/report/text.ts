import type { KindReport, Report } from './model';

const percent = (value: number | null, digits = 2) => (value === null ? 'n/a' : `${(value * 100).toFixed(digits)}%`);
const ms = (value: number | null) =>
  value === null ? 'n/a' : value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ') || 'none';

/** The report as lines for a terminal: one block per kind, target and Region. */
export function reportLines(report: Report): string[] {
  const lines = [`SLO report ${report.from} → ${report.to} (--since ${report.since}): ${report.runs} runs`];
  for (const k of report.kinds) lines.push('', ...kindLines(k));
  if (report.notes.length) lines.push('', ...report.notes.map((n) => `note: ${n}`));
  return lines;
}

function kindLines(k: KindReport): string[] {
  const b = k.errorBudget;
  const budget =
    b.remainingFraction === null
      ? 'no decided check'
      : `${b.failures} of ${+b.allowedFailures.toFixed(2)} allowed failures used, ${percent(b.remainingFraction, 0)} left`;
  return [
    `${k.kind} on ${k.target} (${k.region})`,
    `  availability   ${percent(k.availability)} of ${k.checks} checks (${k.runs} runs, ${k.retried} retried${k.running ? `, ${k.running} running` : ''})`,
    `  objective      ${b.objective}% (${b.objectiveFrom}): ${budget}`,
    `  time to SMS    p50 ${ms(k.timeToSmsMs.p50)}, p95 ${ms(k.timeToSmsMs.p95)}, p99 ${ms(k.timeToSmsMs.p99)} (${k.timeToSmsMs.samples} codes)`,
    `  failures       by reason: ${counts(k.failuresByReason)}; by class: ${counts(k.failuresByClass)}`,
    '  steps          p50 / p95',
    ...Object.entries(k.stepsMs).map(
      ([name, s]) => `    ${name.padEnd(24)} ${ms(s.p50).padStart(9)} / ${ms(s.p95).padStart(9)}  (${s.runs} runs)`,
    ),
  ];
}
