// Seeds the demo consortium through the same doors a person would use: the REST edge for accounts
// and membership (register → apply with the node key → the consortium admin admits, on-chain), and
// each site's own local HTTP API for uploading and releasing its datasets. Nothing is written into
// a service's database directly.
//
// Every step first looks at what is there, so a restart finds everything in place and seeds
// nothing again; a start interrupted half-way carries on where it stopped.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { headEmail, memberEmail } from './demo.mjs';
import { generateCsv, seedOf } from './synthetic-data.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A failed HTTP call, with the service's error code. */
export class CallError extends Error {
  constructor(method, url, status, body) {
    const error = body?.error ?? body;
    super(`${method} ${url} answered ${status}${error?.code ? ` ${error.code}: ${error.message}` : ''}`);
    this.status = status;
    this.code = error?.code;
  }
}

/** Every dataset at a site: its local list, page after page (the edge's envelope and cursors). */
async function siteDatasets(siteUrl, token) {
  const all = [];
  let cursor;
  do {
    const page = (await call('GET', `${siteUrl}/datasets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token })).body;
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** A JSON-over-HTTP call with a deadline; `expect` lists the statuses that count as success. */
export async function call(method, url, { token, json, body, contentType, expect = [200, 201], timeoutMs = 60_000 } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  if (contentType) headers['content-type'] = contentType;
  let response = await fetch(url, { method, headers, body: json !== undefined ? JSON.stringify(json) : body, signal: AbortSignal.timeout(timeoutMs) });
  // A rate limit says when to come back; the seeding waits rather than fails.
  for (let attempt = 0; response.status === 429 && attempt < 3; attempt++) {
    const wait = Math.min(Number(response.headers.get('retry-after')) || 5, 60);
    await response.arrayBuffer();
    await sleep(wait * 1000);
    response = await fetch(url, { method, headers, body: json !== undefined ? JSON.stringify(json) : body, signal: AbortSignal.timeout(timeoutMs) });
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  if (!expect.includes(response.status)) throw new CallError(method, url, response.status, parsed);
  return { status: response.status, body: parsed };
}

/** A password generated once and kept (0600) under the keys directory. */
export function ensurePassword(keysDir, email) {
  const file = path.join(keysDir, `${email}.password`);
  if (!existsSync(file)) {
    mkdirSync(keysDir, { recursive: true });
    writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return { file, password: readFileSync(file, 'utf8').trim() };
}

/** A site's node key (Ed25519, PKCS#8 PEM, 0600), generated once; returns its file and public half. */
export function ensureNodeKey(file) {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const publicKeyPem = createPublicKey(createPrivateKey(readFileSync(file))).export({ type: 'spki', format: 'pem' }).toString();
  return { file, publicKeyPem };
}


export class Seeder {
  /**
   * @param {{ api: string, keysDir: string, say: (line: string) => void }} options  api: the REST base, e.g. http://127.0.0.1:3000/api/v1
   */
  constructor(options) {
    this.api = options.api;
    this.keysDir = options.keysDir;
    this.say = options.say;
  }

  async login(email, password) {
    return (await call('POST', `${this.api}/auth/login`, { json: { email, password } })).body.accessToken;
  }

  /** Logs in; if there is no such account yet, creates it with `create(password)` first. */
  async ensureAccount(email, create) {
    const { password } = ensurePassword(this.keysDir, email);
    try {
      return { token: await this.login(email, password), created: false };
    } catch (error) {
      if (!(error instanceof CallError) || error.code !== 'AUTH.INVALID_CREDENTIALS') throw error;
    }
    try {
      await create(password);
    } catch (error) {
      if (error instanceof CallError && error.code === 'ACCOUNTS.EMAIL_TAKEN') {
        throw new Error(`the account ${email} exists but its password is no longer the one in ${path.join(this.keysDir, `${email}.password`)}; start again with --reset`);
      }
      throw error;
    }
    return { token: await this.login(email, password), created: true };
  }

  async ensureResearcher(email, displayName) {
    const { token, created } = await this.ensureAccount(email, (password) => call('POST', `${this.api}/auth/register`, { json: { email, password, displayName } }));
    this.say(created ? `researcher ${email} registered` : `researcher ${email} in place`);
    return token;
  }

  async me(token) {
    return (await call('GET', `${this.api}/auth/me`, { token })).body;
  }

  /**
   * The institution joins as a real one would: its head registers, applies with the site's node
   * id, URL and public key; the consortium admin admits the application (a ledger transaction);
   * the head becomes its institution-admin and creates the staff account that uploads.
   */
  async ensureInstitution(institution, { adminToken, endpoint, nodePublicKeyPem }) {
    const label = institution.name;
    const head = headEmail(institution);
    let { token } = await this.ensureAccount(head, (password) => call('POST', `${this.api}/auth/register`, { json: { email: head, password, displayName: institution.head } }));
    let me = await this.me(token);
    if (!me.organisationId) {
      const { items: applications } = (await call('GET', `${this.api}/membership-applications`, { token })).body;
      let application = applications.find((a) => a.status === 'pending' || a.status === 'admitted');
      if (!application) {
        application = (
          await call('POST', `${this.api}/membership-applications`, {
            token,
            json: { name: institution.name, contactName: institution.head, contactEmail: head, nodeId: institution.nodeId, endpoint, nodePublicKey: nodePublicKeyPem },
          })
        ).body;
        this.say(`${label}: applied for membership (node ${institution.nodeId})`);
      }
      if (application.status === 'pending') {
        application = (await call('POST', `${this.api}/membership-applications/${application.applicationId}/admit`, { token: adminToken })).body;
        this.say(`${label}: admitted on-chain as ${application.memberId} (block ${application.decision?.blockNumber}, tx ${String(application.decision?.txId).slice(0, 16)}…)`);
      }
      // The head is appointed institution-admin right after the commit (or, failing that, from the
      // chain event): wait for it, then log in again for a token that says so.
      const deadline = Date.now() + 60_000;
      while (!me.organisationId) {
        if (Date.now() > deadline) throw new Error(`${head} was not made institution-admin of ${application.memberId} within 60 s`);
        await sleep(300);
        me = await this.me(token);
      }
      token = await this.login(head, ensurePassword(this.keysDir, head).password);
    } else {
      this.say(`${label}: member ${me.organisationId} in place`);
    }
    const memberId = me.organisationId;
    const member = memberEmail(institution);
    const staff = await this.ensureAccount(member, (password) =>
      call('POST', `${this.api}/institutions/${memberId}/users`, { token, json: { email: member, password, displayName: institution.member } }),
    );
    if (staff.created) this.say(`${label}: staff account ${member} created`);
    return { memberId, headToken: token, memberToken: staff.token };
  }

  /**
   * Uploads the site's demo datasets through its local API (as its staff member) and makes sure
   * each is released on-chain. The CSV files are generated deterministically under the site's
   * directory (`incoming/`), as the files an institution would upload.
   */
  async ensureDatasets(institution, { siteUrl, siteDir, memberToken }) {
    const existing = await siteDatasets(siteUrl, memberToken);
    const results = [];
    for (const spec of institution.datasets) {
      let view = existing.find((d) => d.name === spec.name && d.state !== 'deleted');
      if (!view) {
        const file = path.join(siteDir, 'incoming', spec.fileName);
        if (!existsSync(file)) {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, generateCsv({ profile: spec.profile, rows: spec.rows, seed: seedOf(`${institution.nodeId}/${spec.name}`) }));
        }
        const query = new URLSearchParams({ name: spec.name, fileName: spec.fileName, description: spec.description });
        view = (await call('POST', `${siteUrl}/datasets?${query}`, { token: memberToken, body: readFileSync(file), contentType: 'text/csv', expect: [201, 202] })).body;
        const v = view.versions?.find((x) => x.version === view.latestVersion);
        this.say(`${institution.nodeId}: uploaded "${spec.name}" (${v?.rowCount} rows, sha256 ${v?.sha256.slice(0, 12)}…)`);
      }
      // Released means committed on-chain; a failed release (the ledger restarting, say) is retried.
      const datasetId = view.datasetId;
      for (let attempt = 1; view.state !== 'released'; attempt++) {
        if (attempt > 10) throw new Error(`${institution.nodeId}: "${spec.name}" could not be released: ${view.lastError?.code ?? ''} ${view.lastError?.message ?? ''}`);
        if (attempt > 1) await sleep(1_000);
        const retried = await call('POST', `${siteUrl}/datasets/${datasetId}/release`, { token: memberToken, expect: [200, 409, 502, 503, 504] });
        view = retried.status === 200 ? retried.body : (await call('GET', `${siteUrl}/datasets/${datasetId}`, { token: memberToken })).body;
        if (view.state === 'released') this.say(`${institution.nodeId}: "${spec.name}" released on retry`);
      }
      const released = view.versions?.find((x) => x.version === view.releasedVersion);
      results.push({ datasetId: view.datasetId, name: spec.name, rows: released?.rowCount, blockNumber: released?.release.blockNumber });
    }
    return results;
  }
}
