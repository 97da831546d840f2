// The README's start command, run as a user would: it brings NATS, the six central services and the
// three demo sites up, seeds the demo consortium through the real flows (accounts, admissions
// on-chain, datasets released through each site's local API), prints the URLs and the demo
// credentials, and Ctrl-C leaves no process behind; --reset starts a new consortium. (Restart,
// supervision and the walkthrough: e2e/walkthrough/walkthrough.e2e.ts.)
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { connect } from 'nats';
import { AccountsGetJwks, AccountsLogin, EVENT_SUBJECTS_WILDCARD, GetHealth, LedgerAddDataset, LedgerGetDataset, LedgerListMembers, ledgerNodeContract, StorageGetNodeInfo } from '@phdmf/contracts';
import { EVENT_CONSUMING_SERVICES, EVENT_STREAM } from '@phdmf/messaging';
import { childEnv, tempDir } from '@phdmf/testing';
import { alive, CENTRAL_SERVICES, freePorts, LocalSystem, ROOT, SITES, until } from './support/local-system';

jest.setTimeout(240_000);

/** What infra/local/demo.mjs seeds at each site: dataset name → rows. */
const DEMO_DATASETS: Record<string, Record<string, number>> = {
  'site-north': { 'Cardiology outpatients 2023': 3000, 'Diabetes clinic cohort': 2000 },
  'site-aldric': { 'General medicine admissions 2023': 3500 },
  'site-lakeside': { 'Community health screening': 4000 },
};

interface SiteDatasetView {
  datasetId: string;
  name: string;
  state: string;
  organisationId: string;
  releasedVersion: number | null;
  versions: { version: number; sha256: string; rowCount: number; fileName: string; release: { state: string; txId?: string } }[];
}

describe('npm start (infra/local/up.mjs)', () => {
  const data = tempDir('phdmf-up-');
  let system: LocalSystem | undefined;
  let firstMembers: string[] = [];

  // After each test, not only after all: a test that fails with its system still running must not leave it
  // behind when the next test starts another (it did once: a failed assertion left a whole system running).
  afterEach(() => {
    system?.kill();
    system = undefined;
  });

  afterAll(() => {
    data.remove();
  });

  it('starts NATS, every service and three demo sites, seeds the consortium, prints URLs and credentials, and stops everything on Ctrl-C', async () => {
    expect(existsSync(path.join(ROOT, 'dist/apps/ledger/src/main.js'))).toBe(true); // `npm test` builds first
    const ports = await freePorts();
    system = await LocalSystem.start(data.dir, ports);
    const s = system;

    for (const service of CENTRAL_SERVICES) {
      const health = await s.bus(GetHealth.contractFor(service), {});
      expect(health).toMatchObject({ service, status: 'up' });
      if (service !== 'api-gateway') expect(health.checks).toEqual({ nats: 'up', database: 'up', ...(service === 'ledger' ? { ledger: 'up' } : {}) });
    }
    expect((await fetch(`${s.edge}/health`)).status).toBe(200);
    const ready = await fetch(`${s.edge}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'up', checks: { nats: 'up' } });
    expect((await fetch(`${s.api}/docs`)).status).toBe(200);

    // Every process has its own NATS user and keeps to its own subjects (infra/nats/permissions.mjs):
    // the seeding above ran without one violation; a stranger cannot connect at all, and a site can
    // ask the ledger and the accounts' JWKS but not call the accounts service, listen to the ledger's
    // requests or read replies outside its own inbox.
    expect(s.natsViolations()).toEqual([]);
    await expect(connect({ servers: `nats://127.0.0.1:${ports.nats}` })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    const site = await s.connectAs('storage-site-north');
    try {
      expect(JSON.parse(new TextDecoder().decode((await site.request(AccountsGetJwks.SUBJECT, new TextEncoder().encode('{}'), { timeout: 5_000 })).data))).toMatchObject({ ok: true });
      await expect(site.request(AccountsLogin.SUBJECT, new TextEncoder().encode('{}'), { timeout: 5_000 })).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      // Ledger writes only on its own node's subjects (signed only for its own member): not on the
      // shared command subjects, not on another node's.
      await expect(site.request(LedgerAddDataset.SUBJECT, new TextEncoder().encode('{}'), { timeout: 5_000 })).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      await expect(site.request(ledgerNodeContract(LedgerAddDataset.CONTRACT, 'site-aldric').subject, new TextEncoder().encode('{}'), { timeout: 5_000 })).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      // The event stream is the platform's (issue 13: a site's user had added the accounts' login
      // subject to it and sealed it): the start command created it as the operator; a site may not change it.
      await expect(
        site.request(`$JS.API.STREAM.UPDATE.${EVENT_STREAM.name}`, new TextEncoder().encode(JSON.stringify({ name: EVENT_STREAM.name, subjects: [EVENT_SUBJECTS_WILDCARD, AccountsLogin.SUBJECT], sealed: true })), { timeout: 5_000 }),
      ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
      site.subscribe('phdmf.ledger.>');
      site.subscribe('_INBOX.>');
      await site.flush();
      await until('the server to log the refused subscriptions', () => Promise.resolve(s.natsViolations().length >= 6 || undefined), 10_000);
      expect(s.natsViolations().join('\n')).toMatch(/Publish Violation[^\n]*\$JS\.API\.STREAM\.UPDATE\.PHDMF_EVENTS/);
      expect(s.natsViolations().join('\n')).toMatch(/Publish Violation[^\n]*phdmf\.ledger\.cmd\.add-dataset\.v1/);
      expect(s.natsViolations().join('\n')).toMatch(/Publish Violation[^\n]*phdmf\.ledger\.node\.site-aldric\.cmd\.add-dataset\.v1/);
      expect(s.natsViolations().join('\n')).toMatch(/Publish Violation[^\n]*phdmf\.accounts\.cmd\.login\.v1/);
      expect(s.natsViolations().join('\n')).toMatch(/Subscription Violation[^\n]*phdmf\.ledger\.>/);
      expect(s.natsViolations().join('\n')).toMatch(/Subscription Violation[^\n]*_INBOX\.>/);
    } finally {
      await site.close().catch(() => undefined);
    }
    const operator = await s.connectAs('operator');
    try {
      const jsm = await operator.jetstreamManager();
      expect((await jsm.streams.info(EVENT_STREAM.name)).config).toMatchObject({ subjects: [...EVENT_STREAM.subjects], sealed: false });
      expect((await jsm.consumers.list(EVENT_STREAM.name).next()).map((c) => c.name).sort()).toEqual([...EVENT_CONSUMING_SERVICES].sort());
    } finally {
      await operator.close();
    }
    expect(s.output).toMatch(/event stream created; durable consumers: node-registry created, authorization created/);
    // A site's health over NATS is its own node-info query: no site answers a shared health subject.
    await expect(s.bus(GetHealth.contractFor('data-storage'), {}, 2_000)).rejects.toMatchObject({ code: expect.stringMatching(/503|NO_RESPONDERS/) });
    const authFile = readFileSync(path.join(data.dir, 'nats-auth.conf'), 'utf8');
    expect(statSync(path.join(data.dir, 'keys', 'nats', 'operator.nk')).mode & 0o777).toBe(0o600);
    expect(authFile).not.toMatch(/SU[A-Z2-7]{50,}/); // public keys only: no seed leaves keys/nats

    // One process per service and per site, each under the supervisor.
    const pids = s.pids();
    expect(Object.keys(pids.children).sort()).toEqual(['nats', ...CENTRAL_SERVICES, ...SITES.map((x) => x.nodeId)].sort());
    expect(pids.supervisor).toBeGreaterThan(0);

    // Three institutions admitted on-chain, each with its own site's node key.
    const { members } = await s.bus(LedgerListMembers.CONTRACT, {});
    const active = members.filter((m) => m.status === 'active');
    expect(active.map((m) => m.name).sort()).toEqual(SITES.map((x) => x.name).sort());
    for (const site of SITES) {
      const memberId = s.memberIdOf(site.nodeId);
      const onChain = active.find((m) => m.memberId === memberId);
      const keyFile = path.join(data.dir, 'sites', site.nodeId, 'node-key.pem');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const publicKey = createPublicKey(createPrivateKey(readFileSync(keyFile))).export({ type: 'spki', format: 'pem' }).toString();
      expect(onChain).toMatchObject({ name: site.name, nodeId: site.nodeId, nodePublicKey: publicKey, endpoint: s.siteUrl(site.nodeId) });

      // The site answers for itself, as that institution, on its own port and subject.
      expect(await s.bus(StorageGetNodeInfo.contractFor(site.nodeId), {})).toMatchObject({ nodeId: site.nodeId, organisationId: memberId, checks: { nats: 'up', database: 'up', ledger: 'up' } });

      // Its demo datasets, uploaded by its staff member through its local API and released on-chain
      // with the hash of the generated file.
      const member = await s.login(`member@${site.domain}`);
      const listed = await s.http<{ items: SiteDatasetView[]; nextCursor: string | null }>('GET', `${s.siteUrl(site.nodeId)}/datasets`, member);
      expect(listed.status).toBe(200);
      expect(listed.body.nextCursor).toBeNull();
      expect(Object.fromEntries(listed.body.items.map((d) => [d.name, d.versions[0]?.rowCount]))).toEqual(DEMO_DATASETS[site.nodeId]);
      for (const dataset of listed.body.items) {
        expect(dataset).toMatchObject({ state: 'released', organisationId: memberId, releasedVersion: 1 });
        const version = dataset.versions[0]!;
        const file = readFileSync(path.join(data.dir, 'sites', site.nodeId, 'incoming', version.fileName));
        expect(version.sha256).toBe(createHash('sha256').update(file).digest('hex'));
        expect(await s.bus(LedgerGetDataset.CONTRACT, { datasetId: dataset.datasetId })).toMatchObject({ sha256: version.sha256, ownerMemberId: memberId, status: 'active', rowCount: version.rowCount });
      }
      // The site keeps its files under its own directory, content-addressed.
      for (const dataset of listed.body.items) expect(existsSync(path.join(data.dir, 'sites', site.nodeId, 'storage/objects', dataset.versions[0]!.sha256.slice(0, 2), dataset.versions[0]!.sha256))).toBe(true);

      // One user per role, with the generated password: the head is the institution admin.
      const head = await s.login(`admin@${site.domain}`);
      expect((await s.http('GET', `${s.api}/auth/me`, head)).body).toMatchObject({ roles: ['institution-admin'], organisationId: memberId });
      expect((await s.http('GET', `${s.api}/auth/me`, member)).body).toMatchObject({ roles: ['member'], organisationId: memberId });
    }
    const researcher = await s.login('researcher@lab.example');
    expect((await s.http('GET', `${s.api}/auth/me`, researcher)).body).toMatchObject({ roles: ['researcher'] });
    const admin = await s.login('admin@phdmf.local');
    expect((await s.http('GET', `${s.api}/auth/me`, admin)).body).toMatchObject({ roles: ['consortium-admin'] });

    // The console says where everything is and how to log in (passwords generated, 0600, printed).
    expect(s.output).toContain(`${s.api}/docs`);
    for (const site of SITES) expect(s.output).toContain(s.siteUrl(site.nodeId));
    // …and where each process' metrics are: a listener per central service (the ledger's first), a site on its own port.
    expect(s.output).toContain(`ledger :${s.ports.metrics}`);
    expect(await (await fetch(`http://127.0.0.1:${s.ports.metrics}/metrics`)).text()).toMatch(/^phdmf_ledger_height_blocks\{[^}]*\} [1-9]/m);
    expect(await (await fetch(`${s.siteUrl('site-north')}/metrics`)).text()).toMatch(/^phdmf_http_request_duration_seconds_count\{[^}]*route="\/datasets"/m);
    for (const email of ['admin@phdmf.local', 'researcher@lab.example', ...SITES.flatMap((x) => [`admin@${x.domain}`, `member@${x.domain}`])]) {
      expect(s.output).toMatch(new RegExp(`${email.replace(/\./g, '\\.')}\\s+${s.password(email).replace(/[-]/g, '\\-')}`));
      expect(s.password(email)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    }
    expect(statSync(path.join(data.dir, 'keys', 'researcher@lab.example.password')).mode & 0o777).toBe(0o600);
    // Progress: a line per step, the seeding included.
    expect(s.output).toMatch(/admitted on-chain as m-/);
    expect(s.output).toMatch(/uploaded "Community health screening" \(4000 rows/);
    // The walkthrough's variables for a shell.
    const demoEnv = readFileSync(path.join(data.dir, 'demo.env'), 'utf8');
    expect(demoEnv).toContain(`export PHDMF=${s.edge}`);
    for (const site of SITES) expect(demoEnv).toContain(`export ${site.envName}=${s.siteUrl(site.nodeId)}`);

    firstMembers = SITES.map((x) => s.memberIdOf(x.nodeId));
    expect(await s.stop()).toBe(0);
    for (const [name, pid] of Object.entries(pids.children)) expect({ name, alive: alive(pid) }).toEqual({ name, alive: false });
    expect(existsSync(path.join(data.dir, 'pids.json'))).toBe(false);
    expect(s.output).toMatch(/stopped\s*$/);
    system = undefined;
  });

  it('--reset wipes the local data and seeds a new consortium', async () => {
    const oldPassword = readFileSync(path.join(data.dir, 'keys', 'researcher@lab.example.password'), 'utf8');
    system = await LocalSystem.start(data.dir, await freePorts(), ['--reset']);
    const s = system;
    expect(s.output).toMatch(/resetting local data/);
    const members = SITES.map((x) => s.memberIdOf(x.nodeId));
    for (const [i, memberId] of members.entries()) expect(memberId).not.toBe(firstMembers[i]);
    expect(readFileSync(path.join(data.dir, 'keys', 'researcher@lab.example.password'), 'utf8')).not.toBe(oldPassword);
    const { members: onChain } = await s.bus(LedgerListMembers.CONTRACT, {});
    expect(onChain.map((m) => m.memberId).sort()).toEqual([...members].sort());
    expect(await s.stop()).toBe(0);
    system = undefined;
  });

  it('waits for the services as long as their start deadline (SERVICE_START_TIMEOUT_MS), then gives up and stops everything', async () => {
    // One second: no service gets from spawn to answering its health query that fast, so the wait
    // runs out, and the message names the deadline it followed (it was a fixed 90 s).
    const dir = tempDir('phdmf-up-deadline-');
    try {
      const ports = await freePorts();
      const run = spawnSync(process.execPath, [path.join(ROOT, 'infra/local/up.mjs'), '--no-install'], {
        cwd: ROOT,
        env: childEnv({ PHDMF_DATA_DIR: dir.dir, PHDMF_NATS_PORT: String(ports.nats), HTTP_PORT: String(ports.http), STORAGE_HTTP_PORTS: Object.values(ports.sites).join(','), PHDMF_METRICS_PORT: String(ports.metrics), SERVICE_START_TIMEOUT_MS: '1000' }),
        encoding: 'utf8',
        timeout: 200_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/timed out after 1 s waiting for [a-z-]+ to answer its health query/);
      expect(run.stdout).not.toContain('PHDMF_READY');
      // Everything it had started was stopped (the supervisor removes pids.json once all are gone).
      expect(run.stdout).toContain('stopped');
      expect(existsSync(path.join(dir.dir, 'pids.json'))).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('refuses a port in use, naming the variable to change, and starts nothing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDir('phdmf-up-port-');
    try {
      const ports = await freePorts();
      const run = spawnSync(process.execPath, [path.join(ROOT, 'infra/local/up.mjs'), '--no-install'], {
        cwd: ROOT,
        env: childEnv({ PHDMF_DATA_DIR: dir.dir, PHDMF_NATS_PORT: String(ports.nats), HTTP_PORT: String(port), STORAGE_HTTP_PORTS: Object.values(ports.sites).join(',') }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`port ${port} is in use; set HTTP_PORT to a free port`);
      expect(existsSync(path.join(dir.dir, 'pids.json'))).toBe(false);
    } finally {
      blocker.close();
      dir.remove();
    }
  });
});
