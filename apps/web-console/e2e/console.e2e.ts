// The web console in a real browser (Debian's Chromium through playwright-core) against the system
// `npm start` brings up: the story as far as the console is built — a researcher and two
// institution admins, each in a browser context of their own. Every page is checked with axe-core
// (no serious or critical violation), the sign-in and the decisions are done with the keyboard alone,
// and no page logs a console error. The screenshots in docs/screenshots/ are written here.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { axeViolations, chromiumAvailable, DESKTOP, launch, PHONE, watchedPage, type ConsoleEntry, type WatchedPage } from './support/browser';
import { tempDir } from '@phdmf/testing';
import { startTarget, type ConsoleTarget } from './support/system';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');

const RESEARCHER = 'researcher@lab.example';
const ALDRIC_ADMIN = 'admin@st-aldric.example';
const NORTH_ADMIN = 'admin@northbridge.example';

// A request's id derives from its content: a run against a system kept from an earlier run files new ones.
const RUN = Date.now().toString(36);
const BP_PURPOSE = `Blood pressure across wards ${RUN}`;
const FOLLOW_UP_PURPOSE = `Outpatient follow-up study ${RUN}`;

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

  let work: ReturnType<typeof tempDir>;

  /** An access token by the API (for the test's own setup and attack, not the console's). */
  async function tokenOf(email: string): Promise<string> {
    const r = await fetch(`${target.edge}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: target.password(email) }) });
    return ((await r.json()) as { accessToken: string }).accessToken;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = tempDir('phdmf-console-files-');
    // One after the other: a system that fails to start leaves no browser behind to keep Jest alive.
    target = await startTarget();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    // Each may be missing when beforeAll failed part way.
    const started = { browser: browser as Browser | undefined, target: target as ConsoleTarget | undefined, work: work as typeof work | undefined };
    await started.browser?.close();
    await started.target?.stop();
    started.work?.remove();
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
    const readable = await researcher.evaluate<string>('document.cookie');
    expect(readable).not.toContain(refresh?.value);
    expect(readable).toBe('phdmf-session=1'); // the hint that a session exists, nothing secret
    // Nothing of the session in storage either.
    expect(await researcher.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
  });

  it('refuses the refresh cookie from a page of another origin, or naming none (the CSRF attack)', async () => {
    const cookie = (await researcherContext.cookies()).find((c) => c.name === '__Secure-phdmf-refresh');
    for (const origin of ['http://evil.example', undefined]) {
      const r = await fetch(`${target.edge}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `__Secure-phdmf-refresh=${cookie?.value ?? ''}`, ...(origin ? { origin } : {}) },
        body: '{}',
      });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('AUTH.ORIGIN_REFUSED');
    }
  });

  it('restores the session on reload by a silent refresh from the cookie', async () => {
    await researcher.reload();
    await researcher.getByRole('heading', { name: 'Data market' }).waitFor();
    await researcher.getByText(/Signed in as/).waitFor();
  });

  it('shows the data market: search and filter by institution and column, each entry with its status and the caller\'s permission', async () => {
    await researcher.goto('/market');
    const table = researcher.getByRole('table');
    await shows(table, 'General medicine admissions 2023');
    await shows(table, 'Cardiology outpatients 2023');
    await accessible(researcher, 'market');
    await shot(researcher, 'market');
    await researcher.getByLabel('Institution').selectOption({ label: 'St. Aldric Medical Centre' });
    await researcher.getByRole('button', { name: 'Apply filters' }).click();
    await researcher.waitForURL(/institution=/);
    await shows(researcher.getByRole('status'), /^\d+ datasets$/);
    const rows = researcher.getByRole('table').getByRole('row');
    await shows(rows, 'General medicine admissions 2023');
    expect(await rows.filter({ hasText: 'Cardiology outpatients 2023' }).count()).toBe(0);
    expect(await rows.filter({ hasText: 'Released' }).count()).toBeGreaterThan(0);
  });

  it('lays the market out on a 375 px phone, the navigation behind a menu button', async () => {
    const { context, page } = await contextFor(PHONE);
    await signIn(page, RESEARCHER);
    await accessible(page, 'market at 375 px');
    await shot(page, 'market-375');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Applications' }).waitFor();
    await context.close();
  });

  async function applyFor(datasetName: string, purpose: string, alsoAsk: string[] = []): Promise<void> {
    await researcher.goto('/market');
    await researcher.getByRole('link', { name: datasetName }).click();
    await researcher.getByRole('heading', { name: datasetName }).waitFor();
    // The on-chain hash beside the schema; the stance switch is the owner's admins' only.
    expect(await researcher.getByTestId('onchain-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await researcher.getByRole('button', { name: 'Close to new requests' }).count()).toBe(0);
    await researcher.getByLabel('Purpose').fill(purpose);
    const statistics = researcher.getByRole('group', { name: 'Statistics' });
    for (const name of alsoAsk) await statistics.getByRole('checkbox', { name, exact: true }).check();
    await researcher.getByRole('button', { name: 'Send application' }).click();
    await shows(researcher.getByRole('status'), /Application sent\. Its transaction: [0-9a-f]+ \(block \d+\)/);
  }

  it('applies for two datasets of two institutions from their detail pages; each application is committed with its transaction and block', async () => {
    // St. Aldric's admin is signed in already: the event feed tells that page of the new request.
    ({ page: aldric } = await contextFor());
    await signIn(aldric, ALDRIC_ADMIN);
    // Quantiles, a histogram and the three models besides the defaults: the analyses below run them.
    await applyFor('General medicine admissions 2023', BP_PURPOSE, ['Quantiles', 'Histogram', 'Contingency table', 'Correlation', 'Regression (GLM)']);
    await shows(aldric.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), new RegExp(`New access request for \\S+: “${BP_PURPOSE}” \\(block \\d+\\)`));
    await accessible(researcher, 'dataset');
    await shot(researcher, 'dataset');
    await applyFor('Cardiology outpatients 2023', FOLLOW_UP_PURPOSE);
    await researcher.getByRole('link', { name: 'Applications' }).click();
    const mine = researcher.getByRole('tabpanel');
    await shows(mine, BP_PURPOSE);
    await shows(mine, FOLLOW_UP_PURPOSE);
    for (const purpose of [BP_PURPOSE, FOLLOW_UP_PURPOSE]) await shows(mine.getByRole('row').filter({ hasText: purpose }), 'Requested');
  });

  /** Opens the decision dialog on the incoming request with this purpose, by keyboard. */
  async function decide(page: Page, purpose: string, action: 'Grant' | 'Deny' | 'Revoke', reason: string): Promise<void> {
    const button = page.getByRole('button', { name: new RegExp(`^${action}: .*${purpose}`) });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Reason').focus();
    await page.keyboard.type(reason);
    return;
  }

  it('lets the St. Aldric admin grant (narrowing the columns) by keyboard; the decision shows its transaction and block', async () => {
    await aldric.getByRole('link', { name: 'Applications' }).click();
    const incoming = aldric.getByRole('tabpanel');
    await shows(incoming, BP_PURPOSE);
    await accessible(aldric, 'applications (incoming)');
    await shot(aldric, 'applications');
    await decide(aldric, BP_PURPOSE, 'Grant', 'Approved by the data access committee');
    const dialog = aldric.getByRole('dialog');
    await accessible(aldric, 'grant dialog');
    // Narrow: leave the last requested column out.
    const boxes = dialog.getByRole('group', { name: 'Columns' }).getByRole('checkbox');
    const narrowed = (await boxes.count()) - 1;
    await boxes.last().uncheck();
    await dialog.getByRole('button', { name: /Confirm/ }).focus();
    await aldric.keyboard.press('Enter');
    await shows(aldric.getByRole('status'), /Recorded on-chain: transaction [0-9a-f]+, block \d+\./);
    await shows(incoming, 'Granted');
    // The researcher's page, open since the applications, is told by the event feed (a toast that goes by itself).
    await shows(researcher.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), /Your request for \S+ was granted \(block \d+\)/);
    const row = incoming.getByRole('row').filter({ hasText: BP_PURPOSE });
    expect((await row.getByRole('cell').nth(3).locator('span').textContent())?.split(', ').length).toBe(narrowed);
  });

  it('lets the Northbridge admin deny with a reason; the researcher sees the grant and the denial with its reason', async () => {
    ({ page: north } = await contextFor());
    await signIn(north, NORTH_ADMIN);
    await north.goto('/applications');
    await shows(north.getByRole('tabpanel'), FOLLOW_UP_PURPOSE);
    await decide(north, FOLLOW_UP_PURPOSE, 'Deny', 'The cohort is reserved for an internal study');
    await north.getByRole('dialog').getByRole('button', { name: /Confirm/ }).click();
    await shows(north.getByRole('status'), /Recorded on-chain/);

    // The researcher's page has stayed open since the applications: the event feed brings both
    // decisions (a toast each) and the list refreshes, without a reload and without polling.
    expect(new URL(researcher.url()).pathname).toBe('/applications');
    await shows(researcher.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), /Your request for \S+ was denied \(block \d+\)/);
    const mine = researcher.getByRole('tabpanel');
    await shows(mine, 'Granted');
    await shows(mine, 'The cohort is reserved for an internal study');
    await accessible(researcher, 'applications (mine, with live updates)');
  });

  it('runs an analysis on the granted dataset with progress, shows the result table and the bar charts, and verifies the result hash on-chain in the browser', async () => {
    await researcher.getByRole('link', { name: 'Analyses' }).click();
    await researcher.getByRole('heading', { name: 'New analysis' }).waitFor();
    await accessible(researcher, 'analyses');
    const form = researcher.getByRole('form', { name: 'New analysis' });
    const datasets = form.getByRole('group', { name: /Datasets/ }).getByRole('checkbox');
    await datasets.first().check();
    // Quantiles at the default probabilities (one of them not published: withheld, with the reason); a histogram of age.
    await form.getByLabel(/Quantile probabilities/).fill('0.25, 0.5, 0.75, 0.3');
    await form.getByRole('group', { name: 'Statistics' }).getByRole('checkbox', { name: 'Histogram' }).check();
    await form.getByRole('button', { name: 'Run analysis' }).click();
    await shows(form.getByRole('alert'), 'A histogram needs bin edges for at least one column.');
    await form.getByLabel('Histogram bin edges for age').fill('20, 40, 60, 80, 100');
    await form.getByRole('button', { name: 'Run analysis' }).click();
    await researcher.getByRole('heading', { name: /^Result/ }).first().waitFor({ timeout: 120_000 });
    const pooled = researcher.getByRole('table').first();
    await shows(pooled, /\d/);
    await shows(pooled, /Quantiles: probabilities 0\.3 not released/);
    await researcher.getByRole('heading', { name: 'Quantiles' }).waitFor();
    await shows(researcher.getByRole('table').filter({ hasText: 'Probability' }).getByRole('row'), /age\s*0\.5\s*\d/);
    await researcher.getByRole('heading', { name: 'Histogram of age' }).waitFor();
    await shows(researcher.getByRole('table').filter({ hasText: 'Records' }).getByRole('row'), /\[40, 60\)\s*(\d+|withheld)/);
    await researcher.locator('canvas[role="img"]').first().waitFor();
    expect(await researcher.getByRole('img', { name: 'n per column, per site and pooled', exact: true }).count()).toBe(1);
    expect(await researcher.getByRole('img', { name: 'Histogram of age', exact: true }).count()).toBe(1);
    await accessible(researcher, 'analysis');
    await shot(researcher, 'analysis');
    await researcher.getByRole('button', { name: 'Verify on-chain' }).click();
    await shows(researcher.getByRole('status'), /Verified: the hash recomputed in this browser, [0-9a-f]{64}, equals the one in transaction [0-9a-f]+ \(block \d+, VALID\)/);
    await researcher.goto('/analyses');
    await researcher.getByRole('link', { name: /Open analysis/ }).first().waitFor();
    await shot(researcher, 'analyses');
  });

  /** Runs one model from the analyses page's model form, and verifies its result hash on-chain in the browser. */
  async function runModel(kind: string, fill: (form: Locator) => Promise<void>, heading: string): Promise<void> {
    await researcher.goto('/analyses');
    const form = researcher.getByRole('form', { name: 'New model' });
    await form.getByRole('group', { name: /Datasets/ }).getByRole('checkbox').first().check();
    await form.getByRole('radio', { name: kind }).check();
    await fill(form);
    await form.getByRole('button', { name: 'Run model' }).click();
    await researcher.getByRole('heading', { name: heading }).waitFor({ timeout: 120_000 });
    await researcher.getByRole('button', { name: 'Verify on-chain' }).click();
    await shows(researcher.getByRole('status'), /Verified: the hash recomputed in this browser, [0-9a-f]{64}, equals the one in transaction [0-9a-f]+ \(block \d+, VALID\)/);
  }

  it('runs the three models — a contingency table with its χ² test, a correlation matrix, a GLM — and verifies each on-chain', async () => {
    await runModel('Contingency table', async (form) => {
      await form.getByLabel('Rows').selectOption('sex');
      await form.getByLabel(/^Columns \(optional/).selectOption('smoker');
    }, 'Contingency table');
    await shows(researcher.getByRole('paragraph'), /Pearson’s χ² = [\d.]+, df = 1, p = /);
    await accessible(researcher, 'model: table');

    await runModel('Correlation', async (form) => {
      for (const c of ['age', 'bmi', 'systolic_bp']) await form.getByRole('group', { name: /Columns to correlate/ }).getByRole('checkbox', { name: c, exact: true }).check();
    }, 'Correlation matrix');
    await shows(researcher.getByRole('table').filter({ hasText: 'Pair' }).getByRole('row'), /age × bmi\s*\d+\s*-?[\d.]+\s*\[/);

    await runModel('Regression (GLM)', async (form) => {
      await form.getByLabel('Outcome').selectOption('systolic_bp');
      for (const c of ['age', 'bmi']) await form.getByRole('group', { name: 'Covariates' }).getByRole('checkbox', { name: c, exact: true }).check();
    }, 'Coefficients');
    const coefficients = researcher.getByRole('table').filter({ hasText: 'Std. error' });
    for (const name of ['(Intercept)', 'age', 'bmi']) await shows(coefficients.getByRole('row'), name);
    expect(Number(await researcher.getByTestId('glm-iterations').textContent())).toBeGreaterThan(0);
    await accessible(researcher, 'model: glm');
    await shot(researcher, 'analysis-model');
  });

  it('reads the dataset\'s provenance: add, request, grant and analysis, each linked to its block and transaction', async () => {
    await researcher.goto('/market');
    await researcher.getByRole('link', { name: 'General medicine admissions 2023' }).click();
    await researcher.getByRole('link', { name: 'Provenance' }).click();
    const timeline = researcher.getByRole('list');
    for (const operation of ['Added', 'Access requested', 'Access granted', 'Analysed']) await shows(timeline.getByRole('heading'), operation);
    await accessible(researcher, 'provenance');
    await shot(researcher, 'provenance');
    const grant = timeline.getByRole('listitem').filter({ has: researcher.getByRole('heading', { name: /^Access granted/ }) }).last();
    await grant.getByRole('link', { name: /^Block \d+$/ }).click();
    await researcher.getByRole('heading', { name: /^Block \d+$/ }).waitFor();
    await shows(researcher.getByRole('table'), 'VALID');
    await accessible(researcher, 'block');
    await shot(researcher, 'block');
    await researcher.getByRole('table').getByRole('link').first().click();
    await researcher.getByTestId('validation-code').waitFor();
    expect(await researcher.getByTestId('validation-code').textContent()).toBe('VALID');
    await accessible(researcher, 'transaction');
  });

  it('verifies the whole chain in the browser: every block\'s hash recomputed and linked to the one before', async () => {
    await researcher.getByRole('navigation').getByRole('link', { name: 'Blocks' }).click();
    await researcher.getByRole('heading', { name: 'Latest blocks' }).waitFor();
    await shows(researcher.getByRole('table'), /Block \d+/);
    const height = Number(await researcher.getByTestId('chain-height').textContent());
    expect(height).toBeGreaterThan(5);
    await accessible(researcher, 'blocks');
    await researcher.getByLabel('From block').fill('0');
    await researcher.getByRole('button', { name: 'Verify chain' }).click();
    await shows(researcher.getByRole('status'), new RegExp(`All ${height} blocks from 0 to ${height - 1} verified`));
    await shot(researcher, 'blocks');
  });

  it('shows the nodes, and the St. Aldric admin runs a connection test to its own node: round trip, version and ledger height', async () => {
    await aldric.getByRole('link', { name: 'Nodes' }).click();
    await aldric.getByRole('heading', { name: 'Nodes' }).waitFor();
    await shows(aldric.getByRole('table'), 'Northbridge University Hospital');
    await aldric.getByRole('button', { name: 'Test connection to site-aldric' }).click();
    await shows(aldric.getByRole('table'), /Reachable: round trip \d+ ms, version \S+, ledger height \d+/);
    await aldric.getByRole('heading', { name: 'Node configuration of St. Aldric Medical Centre' }).waitFor();
    await accessible(aldric, 'nodes');
    await shot(aldric, 'nodes');
  });

  it('admits a new institution: its head applies in the console, the consortium admin admits it on-chain', async () => {
    const head = `head-${RUN}@harbourview.example`;
    const password = `a console test password ${RUN}`;
    const registered = await fetch(`${target.edge}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: head, password, displayName: 'Dr. Mira Lund' }) });
    expect(registered.status).toBe(201);
    const { page } = await contextFor();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(head);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Membership' }).click();
    const form = page.getByRole('form', { name: 'Apply to join the consortium' });
    const name = `Harbourview Paediatric Hospital ${RUN}`;
    await form.getByLabel('Institution name').fill(name);
    await form.getByLabel('Node id').fill(`harbourview-${RUN}`);
    await form.getByLabel(/Node endpoint/).fill('https://storage.harbourview.example:8443');
    await form.getByLabel(/Node public key/).fill(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    await accessible(page, 'membership (apply)');
    await form.getByRole('button', { name: 'Send application' }).click();
    await shows(page.getByRole('status'), /Application sent: .*, status Pending/);

    const { page: admin } = await contextFor();
    await signIn(admin, 'admin@phdmf.local');
    await admin.getByRole('link', { name: 'Membership' }).click();
    await admin.getByRole('button', { name: `Admit ${name}` }).click();
    await shows(admin.getByRole('status'), new RegExp(`${name} admitted on-chain: transaction [0-9a-f]+, block \\d+\\.`));
    // The applicant's page, open on Membership, is told by the event feed: its own application was admitted.
    await shows(page.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), new RegExp(`${name} was admitted to the consortium \\(block \\d+\\)`));
    await accessible(admin, 'membership (admin)');
    await shot(admin, 'membership');
  });

  it('shows the account: profile, login history; an institution admin creates a staff account', async () => {
    await aldric.getByRole('navigation').getByRole('link', { name: 'Account' }).click();
    await aldric.getByRole('heading', { name: 'Login history' }).waitFor();
    await shows(aldric.getByRole('table'), 'signed in');
    const staffEmail = `nurse-${RUN}@st-aldric.example`;
    const add = aldric.getByRole('form', { name: 'Add a staff account' });
    await add.getByLabel('Name').fill('Nurse Ola');
    await add.getByLabel('Email').fill(staffEmail);
    await add.getByLabel('Initial password').fill(`a staff password ${RUN}`);
    await add.getByRole('button', { name: 'Create account' }).click();
    await shows(aldric.getByRole('status'), `Account created for ${staffEmail}.`);
    await shows(aldric.getByRole('list'), staffEmail);
    await accessible(aldric, 'account');
    await shot(aldric, 'account');
  });

  it('lets the St. Aldric admin close its dataset to new requests and open it again, each on-chain', async () => {
    await aldric.goto('/market');
    await aldric.getByRole('link', { name: 'General medicine admissions 2023' }).click();
    await aldric.getByRole('heading', { name: 'Access requests' }).waitFor();
    await aldric.getByRole('button', { name: 'Close to new requests' }).click();
    await shows(aldric.getByRole('status'), /The dataset is now closed\. Recorded on-chain: transaction [0-9a-f]+, block \d+\./);
    await shows(aldric.getByRole('definition'), 'Closed');
    await accessible(aldric, 'dataset (owner admin)');
    await aldric.getByRole('button', { name: 'Open to requests' }).click();
    await shows(aldric.getByRole('status'), /The dataset is now open\./);
    await shows(aldric.getByRole('definition'), 'Released');
  });

  it('uploads a new dataset from the browser straight to St. Aldric\'s site: the browser\'s SHA-256 equals the site\'s and the on-chain hash', async () => {
    const csv = path.join(work.dir, `ward-${RUN}.csv`);
    writeFileSync(csv, execFileSync(process.execPath, [path.join(ROOT, 'infra/local/synthetic-data.mjs'), '--profile', 'cardiology', '--rows', '600', '--seed', RUN]));
    const expected = createHash('sha256').update(readFileSync(csv)).digest('hex');
    await aldric.getByRole('navigation').getByRole('link', { name: 'Upload' }).click();
    const form = aldric.getByRole('form', { name: 'Upload' });
    await form.getByLabel('CSV or Parquet file').setInputFiles(csv);
    await form.getByLabel('Dataset name').fill(`Ward 7 follow-up ${RUN}`);
    await form.getByLabel(/Release note/).fill('Uploaded from the console');
    await accessible(aldric, 'upload');
    await form.getByRole('button', { name: 'Upload' }).click();
    await shows(aldric.getByRole('status'), 'Stored at the site and released on-chain.');
    await shows(aldric.getByRole('status'), 'The three hashes are equal.');
    expect(await aldric.getByTestId('browser-hash').textContent()).toBe(expected);
    expect(await aldric.getByTestId('chain-hash').textContent()).toBe(expected);
    await shot(aldric, 'upload');
    // Download it back from the site: the same bytes, checked in the browser against the on-chain hash.
    const [download] = await Promise.all([aldric.waitForEvent('download'), aldric.getByRole('button', { name: `Download Ward 7 follow-up ${RUN}` }).click()]);
    expect(download.suggestedFilename()).toBe(`ward-${RUN}.csv`);
    expect(createHash('sha256').update(readFileSync(await download.path())).digest('hex')).toBe(expected);
    await shows(aldric.getByRole('status'), `Its SHA-256 computed in this browser, ${expected}, equals the on-chain hash.`);
    // The site lets the console's origin call it from a browser, and no other.
    const preflight = async (origin: string) =>
      (await fetch(`${target.siteUrl('site-aldric')}/datasets`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } })).headers.get('access-control-allow-origin');
    expect(await preflight(target.edge)).toBe(target.edge);
    expect(await preflight('http://evil.example')).toBeNull();
  });

  it('marks a dataset tampered once its stored file changes and the site\'s audit finds it, and refuses the analysis', async () => {
    // The attack: a byte appended to the stored file of the dataset the researcher analysed.
    const entry = await (await fetch(`${target.edge}/api/v1/market/datasets?q=${encodeURIComponent('General medicine admissions 2023')}`, { headers: { authorization: `Bearer ${await tokenOf(ALDRIC_ADMIN)}` } })).json() as { items: { sha256: string; datasetId: string }[] };
    const sha = entry.items[0]!.sha256;
    const file = path.join(target.dataDir, 'sites', 'site-aldric', 'storage', 'objects', sha.slice(0, 2), sha);
    chmodSync(file, 0o644);
    appendFileSync(file, '47,F,162.0,70.1,26.7,74,131,84,99,201,no,2023-06-01\n');
    const audit = await fetch(`${target.siteUrl('site-aldric')}/audit`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(ALDRIC_ADMIN)}` } });
    expect(audit.status).toBe(200);
    // The owner's admin (St. Aldric's page, open since the grant) and the researcher, who holds a grant on it,
    // are told by the event feed.
    const finding = /Tamper finding: dataset \S+ no longer matches its on-chain hash \(block \d+\)/;
    await shows(aldric.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), finding);
    await shows(researcher.getByRole('complementary', { name: 'Live updates' }).getByRole('status'), finding);

    const { page } = await contextFor();
    await signIn(page, RESEARCHER);
    await page.getByLabel('Search').fill('General medicine admissions 2023');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await shows(page.getByRole('table').getByRole('row').filter({ hasText: 'General medicine admissions 2023' }), 'Tampered');
    await page.getByRole('navigation').getByRole('link', { name: 'Analyses' }).click();
    const form = page.getByRole('form', { name: 'New analysis' });
    await form.getByRole('group', { name: /Datasets/ }).getByRole('checkbox', { name: entry.items[0]!.datasetId }).check();
    await form.getByRole('button', { name: 'Run analysis' }).click();
    await shows(page.getByRole('alert'), /TAMPERED/);
  });

  it('signs out: the cookie is cleared and a reload lands on sign-in', async () => {
    await researcher.getByRole('button', { name: 'Sign out' }).click();
    await shows(researcher.getByRole('status'), 'You are signed out.');
    expect((await researcherContext.cookies()).some((c) => c.name === '__Secure-phdmf-refresh')).toBe(false);
    await researcher.goto('/market');
    await researcher.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('logged no console error on any page (but Chromium\'s own line for each refusal the story asks for: the wrong password, the tampered analysis)', () => {
    const refusals = [
      (e: ConsoleEntry) => e.source.endsWith('/api/v1/auth/login?refreshIn=cookie') && e.text.includes('status of 401'),
      (e: ConsoleEntry) => e.source.endsWith('/api/v1/analyses') && e.text.includes('status of 409'),
    ];
    const errors = watched.flatMap((w) => w.errors);
    expect(errors.filter((e) => !refusals.some((expected) => expected(e)))).toEqual([]);
    for (const expected of refusals) expect(errors.filter(expected)).toHaveLength(1);
  });
});

