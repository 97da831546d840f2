// The web console in a real browser (Debian's Chromium through playwright-core) against the system
// `npm start` brings up: the story as far as the console is built — a researcher and two
// institution admins, each in a browser context of their own. Every page is checked with axe-core
// (no serious or critical violation), the sign-in and the decisions are done with the keyboard alone,
// and no page logs a console error. The screenshots in docs/screenshots/ are written here.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { axeViolations, chromiumAvailable, DESKTOP, launch, PHONE, watchedPage, type WatchedPage } from './support/browser';
import { startTarget, type ConsoleTarget } from './support/system';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');

const RESEARCHER = 'researcher@lab.example';
const ALDRIC_ADMIN = 'admin@st-aldric.example';
const NORTH_ADMIN = 'admin@northbridge.example';

/** Waits until the locator holds this text (Playwright's library has no `expect`). */
async function shows(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
}

const available = chromiumAvailable();
if (!available) process.stdout.write('console browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)\n');
const suite = available ? describe : describe.skip;

suite('the web console in Chromium (e2e)', () => {
  let target: ConsoleTarget;
  let browser: Browser;
  const watched: WatchedPage[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [target, browser] = await Promise.all([startTarget(), launch()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await target?.stop();
  });

  async function contextFor(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, baseURL: target.edge });
    const w = await watchedPage(context);
    watched.push(w);
    return { context, page: w.page };
  }

  async function accessible(page: Page, what: string): Promise<void> {
    const violations = await axeViolations(page);
    expect({ page: what, violations }).toEqual({ page: what, violations: [] });
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  }

  /** Signs in with the keyboard alone: Tab to each field, type, Enter. */
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(target.password(email));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Data market' }).waitFor();
  }

  let researcher: Page;
  let researcherContext: BrowserContext;
  let aldric: Page;
  let north: Page;

  it('keeps the API types equal to the edge\'s OpenAPI document', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'apps/web-console/scripts/schema.mjs'), '--check', target.edge], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('serves the console at / with a strict CSP, client routes by the SPA fallback, and leaves /api, /health and /metrics alone', async () => {
    const page = await fetch(`${target.edge}/market/some-dataset`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app">/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'( 'wasm-unsafe-eval')?;/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    const api = await fetch(`${target.edge}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('HTTP.NOT_FOUND');
    expect((await fetch(`${target.edge}/health`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${target.edge}/metrics`, { headers: { accept: 'text/html' } })).headers.get('content-type')).not.toMatch(/html/);
    expect((await fetch(`${target.edge}/assets/missing.js`)).status).toBe(404);
  });

  it('sends a visitor to sign-in; a wrong password is shown as the API\'s code in plain words', async () => {
    ({ context: researcherContext, page: researcher } = await contextFor());
    await researcher.goto('/applications');
    await researcher.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(researcher.url()).searchParams.get('next')).toBe('/applications');
    await accessible(researcher, 'sign-in');
    await shot(researcher, 'sign-in');
    await researcher.getByLabel('Email').fill(RESEARCHER);
    await researcher.getByLabel('Password').fill('not the password');
    await researcher.getByRole('button', { name: 'Sign in' }).click();
    await shows(researcher.getByRole('alert'), 'The email or the password is wrong.');
    await shows(researcher.getByRole('alert'), 'AUTH.INVALID_CREDENTIALS');
  });

  it('signs the researcher in by keyboard; the refresh token is an HttpOnly, Secure, SameSite=Strict cookie script cannot read', async () => {
    await signIn(researcher, RESEARCHER);
    const cookies = await researcherContext.cookies();
    const refresh = cookies.find((c) => c.name === '__Secure-phdmf-refresh');
    expect(refresh).toEqual(expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth' }));
    expect(await researcher.evaluate(() => document.cookie)).not.toContain('phdmf-refresh');
    // Nothing of the session in storage either.
    expect(await researcher.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
  });

  it('restores the session on reload by a silent refresh from the cookie', async () => {
    await researcher.reload();
    await researcher.getByRole('heading', { name: 'Data market' }).waitFor();
    await researcher.getByText(/Signed in as/).waitFor();
  });
});
