import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { reportHtml } from '../../lib/report/html';
import { summarize } from '../../lib/report/summarize';
import { launchChromium, openReport } from '../support/browser';
import { sampleRuns } from '../support/reportFixture';

/**
 * The SLO report's page in a real browser (issue 19): Debian's headless Chromium, driven by
 * playwright-core, opens the page from a file:// URL with no console error and no request, and
 * each chart has drawn marks. The screenshot is CI's artifact (.ci/artifacts/report.png), and the
 * README shows one (docs/report.png).
 */
const ARTIFACT = resolve(__dirname, '..', '..', '.ci', 'artifacts', 'report.png');
const dir = mkdtempSync(join(tmpdir(), 'report-page-'));
const to = new Date('2026-07-10T00:00:00.000Z');
const window = { since: '30d', from: new Date(to.getTime() - 30 * 86_400_000), to, defaultRegion: 'us-east-1' };
const objectives = [{ at: 'checks.yml default[0] (signin)', kind: 'signin', slo: 99.5 }];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = (name: string, html: string) => {
  const file = join(dir, name);
  writeFileSync(file, html);
  return file;
};

describe('the SLO report in Chromium', () => {
  it('30 days of runs: no console error, no request, marks drawn in each chart; the screenshot is kept', async () => {
    const report = summarize({ ...window, runs: sampleRuns(to), objectives });
    const seen = await openReport(browser, page('report.html', reportHtml(report)), ARTIFACT);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.failedRequests).toEqual([]);
    expect(seen.charts.map((c) => c.name)).toEqual(['availability', 'timeToSms', 'failures']);
    const drawn = Object.fromEntries(seen.charts.map((c) => [c.name, c.drawn]));
    // Per day: 3 checks × 30 days of availability points (and their lines), p50/p95/p99 × 30 days, one bar per reason.
    expect(drawn.availability).toBeGreaterThanOrEqual(90);
    expect(drawn.timeToSms).toBeGreaterThanOrEqual(90);
    expect(drawn.failures).toBe(Object.keys(report.failuresByReason).length);
    expect(Object.keys(report.failuresByReason).sort()).toEqual(['NotAuthorizedException', 'SmsCodeNotReceived', 'Throttled']);
  }, 60_000);

  it('an empty runs table: the page opens cleanly and each chart says "no runs"', async () => {
    const report = summarize({ ...window, runs: [], objectives });
    const seen = await openReport(browser, page('empty.html', reportHtml(report)), join(dir, 'empty.png'));
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.failedRequests).toEqual([]);
    expect(seen.charts.map((c) => [c.name, c.drawn, c.text])).toEqual([
      ['availability', 0, 'no runs'],
      ['timeToSms', 0, 'no runs'],
      ['failures', 0, 'no runs'],
    ]);
  }, 60_000);
});
