import { availabilityChart, failuresChart, timeToSmsChart } from './charts';
import { escapeHtml as esc } from './escape';
import type { KindReport, Report } from './model';

/**
 * The report as one self-contained HTML page: inline CSS and server-drawn SVG, no script, and a
 * Content-Security-Policy that forbids every fetch, so the page shows the same offline, in a mail
 * attachment or a review document, and cannot call anything when opened.
 */
export function reportHtml(report: Report, title = 'Cognito SMS MFA checks: SLO report'): string {
  const charts = [
    [
      'Availability',
      'Checks passed per bucket (retries count once, decided by the last attempt); dashed: the objective.',
      availabilityChart(report),
    ],
    [
      'Time to SMS',
      'How long passing runs waited for each code (Step Functions’ Await…Code states): p50, p95, p99.',
      timeToSmsChart(report),
    ],
    ['Failures by reason', 'Failed checks, by the reason of their last attempt.', failuresChart(report)],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 4px; }
.meta, .caption { color: #555; } .notes li { color: #8a4b00; }
table { border-collapse: collapse; margin-top: 8px; font-size: 13px; } th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.bad { color: #b00020; font-weight: 600; } .good { color: #176b2c; }
svg text { font: 11px system-ui, sans-serif; fill: #333; } svg .empty { font-size: 14px; fill: #777; }
svg .axis { stroke: #999; } svg .grid { stroke: #eee; } svg .objective { stroke: #777; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">${esc(`${report.from} → ${report.to} (--since ${report.since}), ${report.runs} runs, series per ${report.bucket} (UTC)`)}</p>
${report.notes.length ? `<ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${summaryTable(report.kinds)}
${charts.map(([name, caption, chart]) => `<h2>${esc(name)}</h2><p class="caption">${esc(caption)}</p>${chart}`).join('\n')}
${report.kinds.map(stepsTable).join('\n')}
</body>
</html>
`;
}

const percent = (v: number | null, digits = 2) => (v === null ? 'n/a' : `${(v * 100).toFixed(digits)}%`);
const ms = (v: number | null) => (v === null ? 'n/a' : v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '—';

function summaryTable(kinds: KindReport[]): string {
  if (!kinds.length) return '<p>No runs in this window.</p>';
  const head = [
    'Check',
    'Region',
    'Runs',
    'Checks',
    'Availability',
    'Objective',
    'Budget left',
    'Time to SMS p50 / p95 / p99',
    'Failures by reason',
    'by class',
  ];
  const rows = kinds.map((k) => {
    const b = k.errorBudget;
    const met = k.availability === null || k.availability * 100 >= b.objective;
    return [
      esc(`${k.kind} · ${k.target}`),
      esc(k.region),
      String(k.runs),
      esc(`${k.checks}${k.retried ? ` (${k.retried} retried)` : ''}`),
      `<span class="${met ? 'good' : 'bad'}">${esc(percent(k.availability))}</span>`,
      esc(`${b.objective}%`),
      `<span class="${(b.remainingFraction ?? 1) < 0 ? 'bad' : 'good'}">${esc(percent(b.remainingFraction, 0))}</span>`,
      esc(`${ms(k.timeToSmsMs.p50)} / ${ms(k.timeToSmsMs.p95)} / ${ms(k.timeToSmsMs.p99)}`),
      esc(counts(k.failuresByReason)),
      esc(counts(k.failuresByClass)),
    ];
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function stepsTable(k: KindReport): string {
  const steps = Object.entries(k.stepsMs);
  if (!steps.length) return '';
  return `<h2>${esc(`Step durations: ${k.kind} · ${k.target} · ${k.region}`)}</h2><table><thead><tr><th>Step</th><th>Runs</th><th>p50</th><th>p95</th></tr></thead><tbody>${steps
    .map(([name, s]) => `<tr><td>${esc(name)}</td><td>${s.runs}</td><td>${esc(ms(s.p50))}</td><td>${esc(ms(s.p95))}</td></tr>`)
    .join('')}</tbody></table>`;
}
