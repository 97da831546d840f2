// Test support: a small consortium for the storage node's tests, all real — nats-server with
// JetStream, the real ledger service (apps/ledger/src/main.ts in a child process, embedded ledger),
// and storage nodes started like main.ts does, with their own SQLite, data directory and HTTP port.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { generateSigningKey, issueAccessToken, StaticJwksSource, type SigningKey } from '@phdmf/auth';
import {
  LedgerAdmitMember,
  LedgerGrantAccess,
  LedgerListMembers,
  LedgerRequestAccess,
  LedgerRevokeAccess,
  type LedgerStatistic,
  type Role,
} from '@phdmf/contracts';
import { createLogger, type Logger } from '@phdmf/logging';
import { MessageBus, persistenceSettingsOf, startService, type ActorHeader, provisionEventStream } from '@phdmf/messaging';
import { migrate } from '@phdmf/persistence';
import { freePort, OpenApiConformance, TestNatsServer, tempDir, spawnTsEntry, type TsChild } from '@phdmf/testing';
import { AppModule } from '../src/app.module';
import { loadDataStorageConfig, type DataStorageConfig } from '../src/config';
import { configureSiteHttp, siteHttpOptions } from '../src/http';
import { DATA_STORAGE_PERSISTENCE } from '../src/persistence';

export const ROOT = path.join(__dirname, '../../..');
export const ISSUER = 'https://accounts.phdmf.test';
export const AUDIENCE = 'phdmf';
const GOVERNOR_MSP = 'ConsortiumMSP';

export const ADMIN: ActorHeader = { userId: 'consortium-admin-1', roles: ['consortium-admin'] };
/** The authorization service submits access requests for researchers (it signs as the governor). */
export const AUTHZ: ActorHeader = { userId: 'authorization', roles: ['service'] };

/** Runs a TypeScript entry point of the workspace (path from the workspace root) in a child process. */
export const spawnTs = spawnTsEntry;

export interface Site {
  app: INestApplication;
  config: DataStorageConfig;
  env: Record<string, string>;
  nodeId: string;
  organisationId: string;
  publicKeyPem: string;
  baseUrl: string;
  close: () => Promise<void>;
}

export interface Member {
  organisationId: string;
  mspId: string;
  nodeId: string;
  keyFile: string;
  publicKeyPem: string;
}

export class World {
  private readonly dirs: (() => void)[] = [];
  private readonly sites: Site[] = [];

  private constructor(
    readonly nats: TestNatsServer,
    private ledger: TsChild,
    private readonly ledgerEnv: Record<string, string>,
    readonly nc: NatsConnection,
    readonly bus: MessageBus,
    readonly tokenKey: SigningKey,
    readonly root: string,
    readonly logger: Logger,
  ) {}

  static async start(): Promise<World> {
    const nats = await TestNatsServer.start({ provision: provisionEventStream });
    const dir = tempDir('phdmf-storage-world-');
    const env = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir.dir, 'ledger'), LOG_LEVEL: 'warn', LEDGER_GOVERNOR_MSP: GOVERNOR_MSP, LEDGER_VERIFY_ON_START: 'false' };
    const migrated = spawnTs('apps/ledger/src/migrate.ts', env);
    if ((await migrated.exited) !== 0) throw new Error(`ledger migration failed:\n${migrated.output()}`);
    const ledger = spawnTs('apps/ledger/src/main.ts', env);
    const nc = await connect({ servers: nats.url });
    const logger = createLogger({ service: 'test', level: 'silent' });
    const bus = new MessageBus(nc, { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 15_000, logger });
    const world = new World(nats, ledger, env, nc, bus, await generateSigningKey(), dir.dir, logger);
    world.dirs.push(dir.remove);
    try {
      await world.ledgerAnswers();
    } catch (error) {
      // No test will dispose a world it never got: stop the ledger child and nats-server here, or they outlive the run.
      await world.dispose();
      throw error;
    }
    return world;
  }

  /** Resolves once the ledger service answers a query. */
  private async ledgerAnswers(): Promise<void> {
    // A shared, loaded host (two cores, several suites) has taken more than 45 s to start it.
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        await this.bus.request(LedgerListMembers.CONTRACT, {}, { actor: ADMIN, timeoutMs: 1_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the ledger service did not start: ${String(error)}\n${this.ledger.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Kills the ledger service (SIGKILL: no goodbye), as an outage does. */
  async killLedger(): Promise<void> {
    this.ledger.child.kill('SIGKILL');
    await this.ledger.exited;
  }

  /** Freezes the ledger service (SIGSTOP), as a long pause or an overloaded host does: nothing answers until {@link resumeLedger}. */
  pauseLedger(): void {
    this.ledger.child.kill('SIGSTOP');
  }

  resumeLedger(): void {
    this.ledger.child.kill('SIGCONT');
  }

  /** Starts the ledger service again on its data, and waits until it answers. */
  async restartLedger(): Promise<void> {
    this.ledger = spawnTs('apps/ledger/src/main.ts', this.ledgerEnv);
    await this.ledgerAnswers();
  }

  /** Admits an organisation with a fresh Ed25519 node key (the key file is what its node is configured with). */
  async admit(organisationId: string, nodeId: string): Promise<Member> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(this.root, `${nodeId}-key.pem`);
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const mspId = `${organisationId.replace(/[^A-Za-z0-9]/g, '')}MSP`;
    await this.bus.request(
      LedgerAdmitMember.CONTRACT,
      { memberId: organisationId, name: organisationId, mspId, nodeId, nodePublicKey: publicKeyPem, endpoint: `https://${nodeId}.example.org` },
      { actor: ADMIN },
    );
    return { organisationId, mspId, nodeId, keyFile, publicKeyPem };
  }

  siteEnv(member: Member, overrides: Record<string, string> = {}): Record<string, string> {
    const dataDir = path.join(this.root, `site-${member.nodeId}-${randomUUID().slice(0, 8)}`);
    return {
      NATS_URL: this.nats.url,
      PHDMF_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ID: member.nodeId,
      ORGANISATION_ID: member.organisationId,
      NODE_PRIVATE_KEY_FILE: member.keyFile,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      HTTP_HOST: '127.0.0.1',
      AUDIT_INTERVAL_MINUTES: '0',
      ...overrides,
    };
  }

  /** Writes the token key's JWKS to a file, for a node started as a child process. */
  jwksFile(): string {
    const file = path.join(this.root, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [this.tokenKey.publicJwk] }));
    return file;
  }

  /** Starts a storage node in this process, as main.ts does, after its explicit migration. */
  async startSite(member: Member, overrides: Record<string, string> = {}): Promise<Site> {
    return this.startSiteWith(member, this.siteEnv(member, { HTTP_PORT: String(await freePort()), ...overrides }));
  }

  /** Stops a node and starts it again on the same database, files and port, as a restart does. */
  async restartSite(site: Site): Promise<Site> {
    await site.close();
    this.sites.splice(this.sites.indexOf(site), 1);
    return this.startSiteWith({ organisationId: site.organisationId, nodeId: site.nodeId, mspId: '', keyFile: site.env.NODE_PRIVATE_KEY_FILE ?? '', publicKeyPem: site.publicKeyPem }, site.env);
  }

  private async startSiteWith(member: Member, env: Record<string, string>): Promise<Site> {
    const config = loadDataStorageConfig(env);
    await migrate(persistenceSettingsOf('data-storage', config, DATA_STORAGE_PERSISTENCE));
    const app = await startService(AppModule.forRoot(config, this.logger, { jwks: new StaticJwksSource({ keys: [this.tokenKey.publicJwk] }) }), {
      logger: this.logger,
      http: siteHttpOptions(config),
      configure: configureSiteHttp,
    });
    const site: Site = {
      app,
      config,
      env,
      nodeId: member.nodeId,
      organisationId: member.organisationId,
      publicKeyPem: member.publicKeyPem,
      baseUrl: `http://127.0.0.1:${config.HTTP_PORT}`,
      close: () => app.close(),
    };
    this.sites.push(site);
    return site;
  }

  token(user: { userId: string; organisationId?: string; roles: Role[] }, ttlSeconds = 600): Promise<string> {
    return issueAccessToken(this.tokenKey, { issuer: ISSUER, audience: AUDIENCE, ttlSeconds, ...user });
  }

  /** A researcher's access request, submitted by the authorization service, granted by the owner's staff. */
  async grant(o: {
    datasetId: string;
    owner: string;
    requester: string;
    columns: string[];
    statistics: LedgerStatistic[];
    expiresInMs?: number;
    followsUpdates?: boolean;
    /** `dp` with a budget ρ: the owner's choice of differential privacy. */
    privacy?: { privacyMode: 'dp'; budgetRho: number } | { privacyMode: 'controlled' };
  }): Promise<string> {
    const requestId = `rq-${randomUUID()}`;
    const expiry = new Date(Date.now() + (o.expiresInMs ?? 3_600_000)).toISOString();
    await this.bus.request(
      LedgerRequestAccess.CONTRACT,
      { requestId, datasetId: o.datasetId, requester: o.requester, purpose: 'test analysis', columns: o.columns, statistics: o.statistics, requestedExpiry: expiry },
      { actor: AUTHZ },
    );
    await this.bus.request(
      LedgerGrantAccess.CONTRACT,
      { requestId, operator: `staff-of-${o.owner}`, ...(o.followsUpdates !== undefined ? { followsUpdates: o.followsUpdates } : {}), ...(o.privacy ?? {}) },
      { actor: staffActor(o.owner) },
    );
    return requestId;
  }

  async revoke(requestId: string, owner: string): Promise<void> {
    await this.bus.request(LedgerRevokeAccess.CONTRACT, { requestId, operator: `staff-of-${owner}`, reason: 'study ended' }, { actor: staffActor(owner) });
  }

  async dispose(): Promise<void> {
    for (const site of this.sites) await site.close().catch(() => undefined);
    await this.nc.drain().catch(() => undefined);
    this.ledger.child.kill('SIGTERM');
    await this.ledger.exited;
    await this.nats.dispose();
    for (const remove of this.dirs) remove();
  }
}

export function staffActor(organisationId: string): ActorHeader {
  return { userId: `staff-of-${organisationId}`, organisationId, roles: ['institution-admin'] };
}

/** The local API, as an institution's staff would call it. */
export class LocalApi {
  constructor(
    readonly site: Site,
    readonly token: string,
  ) {}

  async call(method: string, pathAndQuery: string, body?: string | Buffer, contentType = 'text/csv'): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
    const res = await fetch(`${this.site.baseUrl}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // Every answer as the site's own OpenAPI document says (status, error code shape, body schema).
    const conformance = await OpenApiConformance.for(this.site.baseUrl, '/openapi.json');
    const problem = conformance?.problem(method, new URL(`${this.site.baseUrl}${pathAndQuery}`).pathname, res.status, res.headers.get('content-type'), json);
    if (problem !== undefined) throw new Error(`site answer not as documented: ${problem}\n${text.slice(0, 2000)}`);
    return { status: res.status, json, text, headers: res.headers };
  }

  upload(csv: string | Buffer, query = 'name=test&fileName=test.csv'): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
    return this.call('POST', `/datasets?${query}`, csv);
  }
}
