// The one-machine system as a user starts it: `node infra/local/up.mjs --no-install` (what `npm start`
// runs, minus the install and build that `npm test` did already), on free ports, in a data directory
// of the test's own. Ctrl-C is SIGINT to the start command; a crash is SIGKILL to one PID of pids.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect, nkeyAuthenticator, type NatsConnection } from 'nats';
import type { RequestContract } from '@phdmf/contracts';
import { childEnv, freePort, freePortBlock } from '@phdmf/testing';

/** The central services up.mjs starts, each with a metrics listener (ledger, accounts, node-registry, authorization, aggregation, api-gateway). */
const CENTRAL_SERVICE_COUNT = 6;

export const ROOT = path.resolve(__dirname, '../../..');

/** The demo sites up.mjs runs, in its order (infra/local/demo.mjs). */
export const SITES = [
  { nodeId: 'site-north', envName: 'SITE_NORTH', name: 'Northbridge University Hospital', domain: 'northbridge.example' },
  { nodeId: 'site-aldric', envName: 'SITE_ALDRIC', name: 'St. Aldric Medical Centre', domain: 'st-aldric.example' },
  { nodeId: 'site-lakeside', envName: 'SITE_LAKESIDE', name: 'Lakeside Clinical Institute', domain: 'lakeside.example' },
] as const;
export type SiteId = (typeof SITES)[number]['nodeId'];

export const CENTRAL_SERVICES = ['ledger', 'accounts', 'node-registry', 'authorization', 'aggregation', 'api-gateway'] as const;

export interface Ports {
  nats: number;
  http: number;
  sites: Record<SiteId, number>;
  /** The first of the central services' metrics ports (up.mjs counts up from it). */
  metrics: number;
}

export async function freePorts(): Promise<Ports> {
  const [nats, http, north, aldric, lakeside] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  // up.mjs gives each central service its own metrics port, counting up from this one: the whole block is reserved.
  return { nats, http, sites: { 'site-north': north, 'site-aldric': aldric, 'site-lakeside': lakeside }, metrics: await freePortBlock(CENTRAL_SERVICE_COUNT) };
}

export interface Pids {
  supervisor: number;
  children: Record<string, number>;
  restarts: Record<string, number>;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether process `pid` is one of this data directory's: its command line or environment names it. */
function runsIn(pid: number, dataDir: string): boolean {
  try {
    return [`/proc/${pid}/cmdline`, `/proc/${pid}/environ`].some((f) => readFileSync(f, 'latin1').includes(dataDir));
  } catch {
    return false; // gone, or not ours to read
  }
}

export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One run of the start command. */
export class LocalSystem {
  output = '';
  private readonly exited: Promise<number | null>;
  private nc?: NatsConnection;

  private constructor(
    readonly dataDir: string,
    readonly ports: Ports,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        resolve(code);
      });
    });
  }

  /** Starts up.mjs and waits for PHDMF_READY (or fails with its output). */
  static async start(dataDir: string, ports: Ports, flags: string[] = [], timeoutMs = 180_000): Promise<LocalSystem> {
    const child = spawn(process.execPath, [path.join(ROOT, 'infra/local/up.mjs'), '--no-install', ...flags], {
      cwd: ROOT,
      env: childEnv({
        PHDMF_DATA_DIR: dataDir,
        PHDMF_NATS_PORT: String(ports.nats),
        HTTP_PORT: String(ports.http),
        PHDMF_METRICS_PORT: String(ports.metrics),
        STORAGE_HTTP_PORTS: SITES.map((s) => ports.sites[s.nodeId]).join(','),
        STORAGE_HTTP_PORT: undefined,
        LOG_LEVEL: 'warn',
        BOOTSTRAP_ADMIN_PASSWORD: undefined,
        BOOTSTRAP_ADMIN_EMAIL: undefined,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const system = new LocalSystem(dataDir, ports, child);
    const deadline = Date.now() + timeoutMs;
    while (!system.output.includes('PHDMF_READY')) {
      const ended = child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `was ended by ${child.signalCode}` : undefined;
      if (ended || Date.now() > deadline) {
        system.kill();
        // The reason first: a CI log may keep only the first lines of a failure.
        const last = system.output.trimEnd().split('\n').slice(-12).join('\n');
        throw new Error(`the start command ${ended ?? `was not ready after ${timeoutMs / 1000} s`}; its last lines:\n${last}\n\nits whole output:\n${system.output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return system;
  }

  get edge(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  get api(): string {
    return `${this.edge}/api/v1`;
  }

  siteUrl(nodeId: SiteId): string {
    return `http://127.0.0.1:${this.ports.sites[nodeId]}`;
  }

  /** The walkthrough's variables, pointing at this system (the README's defaults otherwise). */
  walkthroughEnv(): Record<string, string> {
    return { PHDMF: this.edge, PHDMF_DATA_DIR: this.dataDir, ...Object.fromEntries(SITES.map((s) => [s.envName, this.siteUrl(s.nodeId)])) };
  }

  /** A NATS connection as one identity of infra/nats/permissions.mjs (`operator`, a service, `storage-<nodeId>`). */
  async connectAs(identity: string): Promise<NatsConnection> {
    const seed = new TextEncoder().encode(readFileSync(path.join(this.dataDir, 'keys', 'nats', `${identity}.nk`), 'utf8').trim());
    return connect({ servers: `nats://127.0.0.1:${this.ports.nats}`, authenticator: nkeyAuthenticator(seed), ...(identity === 'operator' ? {} : { inboxPrefix: `_INBOX_${identity}` }) });
  }

  /** The permission violations nats-server logged: none, as long as every process keeps to its subjects. */
  natsViolations(): string[] {
    return readFileSync(path.join(this.dataDir, 'logs', 'nats.log'), 'utf8')
      .split('\n')
      .filter((line) => /Violation/.test(line));
  }

  pids(): Pids {
    return JSON.parse(readFileSync(path.join(this.dataDir, 'pids.json'), 'utf8')) as Pids;
  }

  password(email: string): string {
    const file = email === 'admin@phdmf.local' ? 'bootstrap-admin.password' : `${email}.password`;
    return readFileSync(path.join(this.dataDir, 'keys', file), 'utf8').trim();
  }

  memberIdOf(nodeId: SiteId): string {
    return (JSON.parse(readFileSync(path.join(this.dataDir, 'sites', nodeId, 'site.json'), 'utf8')) as { memberId: string }).memberId;
  }

  async login(email: string): Promise<string> {
    const res = await fetch(`${this.api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: this.password(email) }) });
    const body = (await res.json()) as { accessToken?: string };
    if (res.status !== 200 || !body.accessToken) throw new Error(`login of ${email} answered ${res.status}: ${JSON.stringify(body)}`);
    return body.accessToken;
  }

  /** A JSON call (REST edge or a site's local API); returns status and body. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape it expects
  async http<T = unknown>(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A request on the bus, as another service would send it. */
  async bus<P extends object, R>(contract: RequestContract<P, R>, payload: P, timeoutMs = 10_000): Promise<R> {
    // As the operator: every process on this bus has its own NATS user (infra/nats/permissions.mjs).
    this.nc ??= await this.connectAs('operator');
    const reply = await this.nc.request(contract.subject, new TextEncoder().encode(JSON.stringify(payload)), { timeout: timeoutMs });
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: true; data: R } | { ok: false; error: { code: string; message: string } };
    if (!body.ok) throw Object.assign(new Error(`${body.error.code}: ${body.error.message}`), { code: body.error.code });
    return body.data;
  }

  /** Ctrl-C: SIGINT to the start command; resolves with its exit code once it is gone. */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    await this.nc?.close();
    this.nc = undefined;
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    const timer = setTimeout(() => {
      this.kill();
    }, timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Leaves nothing behind, whatever happened: the start command and every child it recorded. */
  kill(): void {
    void this.nc?.close();
    const file = path.join(this.dataDir, 'pids.json');
    const children = existsSync(file) ? Object.values(this.pids().children) : [];
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    // pids.json outlives the processes it names when the start command was killed; a PID the kernel
    // has given to another process since (another test's, in a parallel run) is left alone.
    for (const pid of children.filter((p) => runsIn(p, this.dataDir))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}
