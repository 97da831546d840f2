// Debian's Chromium driven by playwright-core (never a downloaded browser). infra/test/run-tests.mjs
// installs the `chromium` package when it is missing; where it still is not there, the browser suites
// skip with one line.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 375, height: 812 };

/** A page that records every console error and uncaught exception (the story must end with none). */
export interface WatchedPage {
  page: Page;
  errors: ConsoleEntry[];
}

/** One console error: the page it happened on, what it said, and where it came from (a script or a resource). */
export interface ConsoleEntry {
  page: string;
  text: string;
  source: string;
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: ConsoleEntry[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push({ page: page.url(), text: message.text(), source: message.location().url });
  });
  page.on('pageerror', (error) => errors.push({ page: page.url(), text: error.message, source: 'uncaught' }));
  return { page, errors };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe runs through the DevTools
 * protocol (page.evaluate), which the page's CSP does not govern: the CSP stays as strict as served.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // Written as browser code in a string: the tests are typechecked against Node's types, not the DOM's.
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
