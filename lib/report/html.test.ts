import { reportHtml } from './html';
import { summarize } from './summarize';
import type { RunRecord } from './model';

const to = new Date('2026-07-10T00:00:00.000Z');
const base = { since: '30d', from: new Date(to.getTime() - 30 * 86_400_000), to, defaultRegion: 'us-east-1', objectives: [] };
const runs: RunRecord[] = [0, 1, 2, 3, 4].map((d) => ({
  runId: `r${d}`,
  kind: 'signin',
  targetName: d === 0 ? '<script>alert("x")</script>' : 'shop',
  startedAt: new Date(Date.UTC(2026, 6, 4 + d, 12)).toISOString(),
  status: d === 2 ? 'FAIL' : 'PASS',
  ...(d === 2
    ? { reason: 'Sms<Code>NotReceived & "late"', class: 'sms' as const }
    : { steps: [{ name: 'AwaitSignInCode', ms: 3000 + d * 1000 }] }),
}));

const chart = (page: string, name: string) => new RegExp(`<svg data-chart="${name}"[^>]*>(.*?)</svg>`, 's').exec(page)?.[1] ?? '';

describe('reportHtml', () => {
  const page = reportHtml(summarize({ ...base, runs }));

  it('is one self-contained page: no script, no URL it could fetch, a CSP that forbids fetching', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\b(src|href)=/i);
    // The only URL is SVG's namespace, an identifier no browser fetches.
    expect(page.match(/https?:\/\/[^\s"']+/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('escapes every text from the records', () => {
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('Sms&lt;Code&gt;NotReceived &amp; &quot;late&quot;');
    expect(page).not.toContain('Sms<Code>');
  });

  it('draws three charts with marks: a point per day and kind, time-to-SMS lines, a bar per reason', () => {
    // Two series (the oddly named target ran once): 1 + 4 points, each a d3 symbol path.
    expect(chart(page, 'availability').match(/class="mark point"/g)).toHaveLength(5);
    expect(chart(page, 'availability')).toMatch(/class="mark line" d="M[\d.]+,[\d.]+L/);
    expect(chart(page, 'availability')).toContain('objective 99.5%');
    // p50, p95, p99 lines over the 4 days with a passing run.
    expect(chart(page, 'timeToSms').match(/class="mark line"/g)).toHaveLength(3);
    expect(chart(page, 'timeToSms').match(/class="mark point"/g)).toHaveLength(12);
    expect(chart(page, 'failures').match(/<rect class="mark bar"[^>]* width="([\d.]+)"/)![1]).not.toBe('0');
  });

  it('an empty report: the charts say "no runs" and nothing is drawn', () => {
    const empty = reportHtml(summarize({ ...base, runs: [] }));
    for (const name of ['availability', 'timeToSms', 'failures']) {
      expect(chart(empty, name)).toContain('>no runs</text>');
      expect(chart(empty, name)).not.toContain('mark');
    }
    expect(empty).toContain('The runs table holds no run records');
  });
});
