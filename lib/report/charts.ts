import { scaleBand, scaleLinear, scaleUtc } from 'd3-scale';
import { line, symbol, symbolCircle } from 'd3-shape';
import { escapeHtml as esc } from './escape';
import type { Bucket, Report } from './model';

/**
 * The report's three charts as SVG, drawn here rather than in the browser: the page runs no script
 * and loads nothing. d3-scale maps values to pixels and picks the ticks; d3-shape writes the paths.
 * Every drawn mark (line, point, bar) has class `mark`, which the browser test measures.
 */
const WIDTH = 920;
const HEIGHT = 260;
const M = { top: 16, right: 230, bottom: 30, left: 60 };
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const BUCKET_MS: Record<string, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '1d': 86_400_000,
};
const point = symbol(symbolCircle, 36);

interface Series {
  label: string;
  color: string;
  points: [Date, number][];
  dashed?: boolean;
}

function svg(name: string, label: string, body: string, height = HEIGHT): string {
  return `<svg data-chart="${esc(name)}" role="img" aria-label="${esc(label)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

const empty = (name: string, label: string, text: string) =>
  svg(name, label, `<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">${esc(text)}</text>`);

/** Lines over time, each point marked (a single bucket is a point, not a line of no length). */
function timeChart(
  name: string,
  label: string,
  bucketMs: number,
  series: Series[],
  y: ReturnType<typeof scaleLinear<number>>,
  tick: (v: number) => string,
) {
  // The dashed objective lines span the runs' buckets; they do not widen them.
  const times = series.filter((s) => !s.dashed).flatMap((s) => s.points.map(([t]) => t.getTime()));
  const x = scaleUtc()
    .domain([new Date(Math.min(...times)), new Date(Math.max(...times) + bucketMs)])
    .range([M.left, WIDTH - M.right]);
  y.range([HEIGHT - M.bottom, M.top]);
  const mid = (t: Date) => x(new Date(t.getTime() + bucketMs / 2));
  const path = line<[Date, number]>()
    .x(([t]) => mid(t))
    .y(([, v]) => y(v));
  const xTicks = x.ticks(6);
  const xFormat = x.tickFormat(6);
  const axes = [
    `<line class="axis" x1="${M.left}" x2="${WIDTH - M.right}" y1="${HEIGHT - M.bottom}" y2="${HEIGHT - M.bottom}"/>`,
    ...xTicks.map((t) => `<text class="tick" x="${x(t)}" y="${HEIGHT - M.bottom + 16}" text-anchor="middle">${esc(xFormat(t))}</text>`),
    ...y
      .ticks(5)
      .map(
        (v) =>
          `<line class="grid" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(tick(v))}</text>`,
      ),
  ];
  const marks = series.flatMap((s) => [
    s.points.length > 1
      ? `<path class="${s.dashed ? 'objective' : 'mark line'}" d="${path(s.points)}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`
      : '',
    ...(s.dashed
      ? []
      : s.points.map(
          ([t, v]) =>
            `<path class="mark point" d="${point()}" transform="translate(${mid(t)},${y(v)})" fill="${s.color}"><title>${esc(`${s.label}: ${tick(v)}`)}</title></path>`,
        )),
  ]);
  const legend = series.map(
    (s, i) =>
      `<g transform="translate(${WIDTH - M.right + 12},${M.top + 8 + i * 18})"><rect width="12" height="3" y="-2" fill="${s.color}"/><text class="legend" x="18" y="3">${esc(s.label)}</text></g>`,
  );
  return svg(name, label, [...axes, ...marks, ...legend].join(''));
}

const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
const seconds = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const points = (buckets: Bucket[], value: (b: Bucket) => number | null): [Date, number][] =>
  buckets.flatMap((b) => {
    const v = value(b);
    return v === null ? [] : [[new Date(b.start), v] as [Date, number]];
  });

/** Availability per bucket, one line per kind, target and Region, with each distinct objective dashed. */
export function availabilityChart(report: Report): string {
  const label = `Availability per ${report.bucket}`;
  const series: Series[] = report.kinds
    .map((k, i) => ({
      label: `${k.kind} · ${k.target} · ${k.region}`,
      color: PALETTE[i % PALETTE.length]!,
      points: points(k.series, (b) => b.availability),
    }))
    .filter((s) => s.points.length);
  if (!series.length) return empty('availability', label, report.runs ? 'no decided checks' : 'no runs');
  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  const objectives = [...new Set(report.kinds.map((k) => k.errorBudget.objective / 100))];
  const low = Math.max(0, Math.floor((Math.min(...values, ...objectives) - 0.02) * 20) / 20);
  const times = series.flatMap((s) => s.points.map(([t]) => t.getTime()));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const lines: Series[] = objectives.map((o) => ({
    label: `objective ${pct(o)}`,
    color: '#777',
    dashed: true,
    points: [
      [new Date(first - BUCKET_MS[report.bucket]! / 2), o],
      [new Date(last + BUCKET_MS[report.bucket]! / 2), o],
    ],
  }));
  return timeChart('availability', label, BUCKET_MS[report.bucket]!, [...series, ...lines], scaleLinear().domain([low, 1]), pct);
}

/** Time to SMS p50/p95/p99 per bucket, all kinds together. */
export function timeToSmsChart(report: Report): string {
  const label = `Time to SMS per ${report.bucket}`;
  const series: Series[] = (['p50', 'p95', 'p99'] as const)
    .map((p, i) => ({ label: p, color: PALETTE[i]!, points: points(report.series, (b) => b.timeToSmsMs[p]) }))
    .filter((s) => s.points.length);
  if (!series.length) return empty('timeToSms', label, report.runs ? 'no passing run: no code was measured' : 'no runs');
  const max = Math.max(...series.flatMap((s) => s.points.map(([, v]) => v)));
  return timeChart(
    'timeToSms',
    label,
    BUCKET_MS[report.bucket]!,
    series,
    scaleLinear()
      .domain([0, max || 1])
      .nice(),
    seconds,
  );
}

/** Failed checks by reason, all kinds together, most frequent first. */
export function failuresChart(report: Report): string {
  const label = 'Failures by reason';
  const entries = Object.entries(report.failuresByReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!entries.length) return empty('failures', label, report.runs ? 'no failures' : 'no runs');
  const height = Math.max(HEIGHT / 2, M.top + M.bottom + entries.length * 28);
  const left = 190;
  const y = scaleBand()
    .domain(entries.map(([reason]) => reason))
    .range([M.top, height - M.bottom])
    .padding(0.25);
  const x = scaleLinear()
    .domain([0, Math.max(...entries.map(([, n]) => n))])
    .nice()
    .range([left, WIDTH - 60]);
  const body = [
    ...x
      .ticks(Math.min(5, x.domain()[1]!))
      .filter(Number.isInteger)
      .map(
        (v) =>
          `<line class="grid" x1="${x(v)}" x2="${x(v)}" y1="${M.top}" y2="${height - M.bottom}"/><text class="tick" x="${x(v)}" y="${height - M.bottom + 16}" text-anchor="middle">${v}</text>`,
      ),
    ...entries.map(
      ([reason, n]) =>
        `<text class="tick" x="${left - 8}" y="${y(reason)! + y.bandwidth() / 2 + 4}" text-anchor="end">${esc(reason)}</text>` +
        `<rect class="mark bar" x="${left}" y="${y(reason)}" width="${x(n) - left}" height="${y.bandwidth()}" fill="${PALETTE[1]}"><title>${esc(`${reason}: ${n}`)}</title></rect>` +
        `<text class="value" x="${x(n) + 6}" y="${y(reason)! + y.bandwidth() / 2 + 4}">${n}</text>`,
    ),
  ];
  return svg('failures', label, body.join(''), height);
}
