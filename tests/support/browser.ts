import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's package (`apt-get install -y chromium`; .ci/run installs it): playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless and quiet: this machine's network is closed, and Chromium's own background connections
 * (component updates, sync, safe browsing, QUIC probes) are refused there, which would be reported
 * as failed requests of their own.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the report's browser test needs the Debian package chromium ` +
        '(apt-get install -y chromium; .ci/run installs it when missing), or CHROMIUM_PATH naming another Chromium',
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface PageCheck {
  consoleErrors: string[];
  failedRequests: string[];
  /** Each chart (svg[data-chart]) with its marks (class `mark`) of non-zero width and height, and its text. */
  charts: { name: string; drawn: number; text: string }[];
}

/** Opens an HTML file, reads what a person would see, and writes a full-page screenshot. */
export async function openReport(browser: Browser, file: string, screenshot: string): Promise<PageCheck> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
  // Any request but the page itself would break "self-contained".
  page.on('request', (request) => request.url() !== pathToFileURL(file).href && failedRequests.push(`unexpected request ${request.url()}`));
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute('data-chart') ?? '',
        drawn: [...svg.querySelectorAll('.mark')].filter((mark) => {
          const box = mark.getBoundingClientRect();
          return box.width > 0 && box.height > 0;
        }).length,
        text: svg.textContent ?? '',
      })),
    );
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, failedRequests, charts };
  } finally {
    await page.close();
  }
}
