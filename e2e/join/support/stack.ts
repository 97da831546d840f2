// The PHDMF services this issue needs, all real: nats-server with JetStream, the ledger service
// (apps/ledger/src/main.ts in a child process, embedded ledger), accounts, node-registry, authorization and the
// REST edge started as their main.ts starts them (own SQLite, own module), and — on demand — a
// storage node (the data-storage service) for an admitted institution.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { StaticJwksSource } from '@phdmf/auth';
import { AccountsGetJwks, GetHealth, LedgerGetChainInfo, type RequestContract } from '@phdmf/contracts';
import { createLogger, type Logger } from '@phdmf/logging';
import { persistenceSettingsOf, startService, provisionEventStream } from '@phdmf/messaging';
import { migrate } from '@phdmf/persistence';
import { freePort, TestNatsServer, tempDir, spawnTsEntry, type TsChild } from '@phdmf/testing';
import { AppModule as AccountsModule } from '../../../apps/accounts/src/app.module';
import { loadAccountsConfig } from '../../../apps/accounts/src/config';
import { ACCOUNTS_PERSISTENCE } from '../../../apps/accounts/src/persistence';
import { AppModule as GatewayModule } from '../../../apps/api-gateway/src/app.module';
import { loadApiGatewayConfig } from '../../../apps/api-gateway/src/config';
import { configureHttp } from '../../../apps/api-gateway/src/edge/configure-http';
import { AppModule as AggregationModule } from '../../../apps/aggregation/src/app.module';
import { AppModule as AuthorizationModule } from '../../../apps/authorization/src/app.module';
import { loadAuthorizationConfig } from '../../../apps/authorization/src/config';
import { AUTHORIZATION_PERSISTENCE } from '../../../apps/authorization/src/persistence';
import { loadAggregationConfig } from '../../../apps/aggregation/src/config';
import { AGGREGATION_PERSISTENCE } from '../../../apps/aggregation/src/persistence';
import { AppModule as StorageModule } from '../../../apps/data-storage/src/app.module';
import { loadDataStorageConfig } from '../../../apps/data-storage/src/config';
import { configureSiteHttp, siteHttpOptions } from '../../../apps/data-storage/src/http';
import { DATA_STORAGE_PERSISTENCE } from '../../../apps/data-storage/src/persistence';
import { AppModule as RegistryModule } from '../../../apps/node-registry/src/app.module';
import { loadNodeRegistryConfig } from '../../../apps/node-registry/src/config';
import { NODE_REGISTRY_PERSISTENCE } from '../../../apps/node-registry/src/persistence';

export const ADMIN_EMAIL = 'admin@consortium.test';
export const ADMIN_PASSWORD = 'bootstrap password for the e2e tests';
const ISSUER = 'phdmf-accounts';
const AUDIENCE = 'phdmf-api';

export interface StackOptions {
  /** Extra environment for the gateway (rate limits, say). */
  gatewayEnv?: Record<string, string>;
  accountsEnv?: Record<string, string>;
  /** Start the aggregation service too (analyses), with this extra environment (POOL_MIN_COUNT, SITE_TIMEOUT_MS, …). */
  aggregation?: { env?: Record<string, string> };
  /** Extra environment for the authorization service (the data market and access decisions; always started). */
  authorizationEnv?: Record<string, string>;
  /** Extra environment for the ledger service's child process (LEDGER_ADAPTER=fabric, FABRIC_CONNECTION_FILE, …). */
  ledgerEnv?: Record<string, string>;
  /**
   * Run the REST edge as its own process (apps/api-gateway/src/main.ts), as a deployment does, so a
   * test can stop, kill (-9) and restart it; by default it runs in the test's process.
   */
  gatewayProcess?: boolean;
  /** The in-process services' logger (default: silent, or E2E_LOG_LEVEL to stdout); a test reads their log lines through it. */
  logger?: Logger;
}

export interface StorageNode {
  nodeId: string;
  /** The site's local HTTP API (its own staff's uploads), e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The site's data directory (its stored files under `storage/objects/<aa>/<sha256>`). */
  dataDir: string;
  stop: () => Promise<void>;
}

/** A node key pair as an institution generates it: Ed25519, SPKI PEM public half. */
export function nodeKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export class Stack {
  private readonly apps: INestApplication[] = [];
  private readonly cleanups: (() => void)[] = [];
  private ledger?: TsChild;
  private ledgerEnv: Record<string, string> = {};
  private gateway?: TsChild;
  private gatewayEnv: Record<string, string> = {};
  nc!: NatsConnection;
  baseUrl = '';
  /** The accounts service, for tests that need its signing key (to forge tokens that differ in one claim). */
  accounts!: INestApplication;

  private constructor(
    readonly nats: TestNatsServer,
    readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const nats = await TestNatsServer.start({ provision: provisionEventStream });
    const data = tempDir('phdmf-e2e-join-');
    const stack = new Stack(nats, data.dir, options.logger ?? createLogger({ service: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'warn' | undefined) ?? 'silent' }));
    stack.cleanups.push(data.remove);
    try {
      await stack.boot(options);
    } catch (error) {
      await stack.stop();
      throw new Error(`stack did not start: ${error instanceof Error ? error.message : String(error)}\n${stack.ledger?.output() ?? ''}`);
    }
    return stack;
  }

  private common(extra: Record<string, string> = {}): Record<string, string> {
    return { NATS_URL: this.nats.url, PHDMF_DATA_DIR: this.dataDir, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent', ...extra };
  }

  private async boot(options: StackOptions): Promise<void> {
    this.nc = await connect({ servers: this.nats.url });
    const ledgerEnv = this.common({ LEDGER_GOVERNOR_MSP: 'ConsortiumMSP', ...options.ledgerEnv });
    this.ledgerEnv = ledgerEnv;
    // The explicit migration step first, as in production; then the service.
    const migration = spawnTsEntry('apps/ledger/src/migrate.ts', ledgerEnv);
    if ((await migration.exited) !== 0) throw new Error(`ledger migration failed:\n${migration.output()}`);
    this.ledger = spawnTsEntry('apps/ledger/src/main.ts', ledgerEnv);
    const accountsConfig = loadAccountsConfig(this.common({ BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.accountsEnv }));
    await migrate(persistenceSettingsOf('accounts', accountsConfig, ACCOUNTS_PERSISTENCE));
    this.accounts = await startService(AccountsModule.forRoot(accountsConfig, this.logger), { logger: this.logger });
    this.apps.push(this.accounts);

    const registryConfig = loadNodeRegistryConfig(this.common({ HEARTBEAT_INTERVAL_MS: '0', CONNECTION_TEST_TIMEOUT_MS: '5000' }));
    await migrate(persistenceSettingsOf('node-registry', registryConfig, NODE_REGISTRY_PERSISTENCE));
    this.apps.push(await startService(RegistryModule.forRoot(registryConfig, this.logger), { logger: this.logger }));

    const authorizationConfig = loadAuthorizationConfig(this.common(options.authorizationEnv));
    await migrate(persistenceSettingsOf('authorization', authorizationConfig, AUTHORIZATION_PERSISTENCE));
    this.apps.push(await startService(AuthorizationModule.forRoot(authorizationConfig, this.logger), { logger: this.logger }));

    if (options.aggregation) {
      const aggregationConfig = loadAggregationConfig(this.common(options.aggregation.env));
      await migrate(persistenceSettingsOf('aggregation', aggregationConfig, AGGREGATION_PERSISTENCE));
      this.apps.push(await startService(AggregationModule.forRoot(aggregationConfig, this.logger), { logger: this.logger }));
    }

    const port = await freePort();
    if (options.gatewayProcess === true) {
      this.gatewayEnv = this.common({ HTTP_PORT: String(port), ...options.gatewayEnv });
      this.baseUrl = `http://127.0.0.1:${port}`;
      await this.startGateway();
    } else {
      const gatewayConfig = loadApiGatewayConfig(this.common({ HTTP_PORT: String(port), ...options.gatewayEnv }));
      this.apps.push(
        await startService(GatewayModule.forRoot(gatewayConfig, this.logger), {
          logger: this.logger,
          http: { host: '127.0.0.1', port },
          configure: (app) => {
            configureHttp(app, gatewayConfig, this.logger);
          },
        }),
      );
    }
    this.baseUrl = `http://127.0.0.1:${port}`;
    await this.waitForLedger();
  }

  private async waitForLedger(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const reply = await this.nc.request(GetHealth.SUBJECTS.ledger, new TextEncoder().encode('{}'), { timeout: 2_000 });
        const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: boolean; data?: { status: string } };
        if (body.ok && body.data?.status === 'up') return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || this.ledger?.child.exitCode !== null) throw new Error(`ledger service did not come up:\n${this.ledger?.output() ?? ''}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends a bus request as another service would (for checks the REST edge does not expose). */
  async busRequest<P extends object, R>(contract: RequestContract<P, R>, payload: P, actor?: { userId: string; roles: string[]; organisationId?: string }): Promise<R> {
    const { headers } = await import('nats');
    const h = headers();
    if (actor) h.set('Phdmf-Actor', JSON.stringify(actor));
    const reply = await this.nc.request(contract.subject, new TextEncoder().encode(JSON.stringify(payload)), { timeout: 15_000, headers: h });
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: true; data: R } | { ok: false; error: { code: string; message: string } };
    if (!body.ok) throw Object.assign(new Error(body.error.message), { code: body.error.code });
    return body.data;
  }

  /** Starts the data-storage service of an admitted institution, as its site would. */
  async startStorageNode(nodeId: string, organisationId: string, privateKeyPem: string): Promise<StorageNode> {
    const dir = tempDir('phdmf-e2e-site-');
    this.cleanups.push(dir.remove);
    const keyFile = path.join(dir.dir, 'node-key.pem');
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    const config = loadDataStorageConfig({
      NATS_URL: this.nats.url,
      PHDMF_DATA_DIR: dir.dir,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
      NODE_ID: nodeId,
      ORGANISATION_ID: organisationId,
      NODE_PRIVATE_KEY_FILE: keyFile,
      HTTP_PORT: String(await freePort()),
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      AUDIT_INTERVAL_MINUTES: '0',
    });
    await migrate(persistenceSettingsOf('data-storage', config, DATA_STORAGE_PERSISTENCE));
    const jwks = await this.busRequest(AccountsGetJwks.CONTRACT, {});
    const app = await startService(StorageModule.forRoot(config, this.logger, { jwks: new StaticJwksSource({ keys: jwks.keys }) }), {
      logger: this.logger,
      http: siteHttpOptions(config),
      configure: configureSiteHttp,
    });
    let stopped = false;
    return {
      nodeId,
      url: `http://${config.HTTP_HOST}:${config.HTTP_PORT}`,
      dataDir: dir.dir,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await app.close();
      },
    };
  }

  /** Stops the ledger service (SIGTERM) and starts it again with the same environment; resolves once it answers. */
  async restartLedger(): Promise<void> {
    await this.stopLedger();
    await this.startLedger();
  }

  /** Starts the stopped ledger service again with the same environment; resolves once it answers. */
  async startLedger(): Promise<void> {
    this.ledger = spawnTsEntry('apps/ledger/src/main.ts', this.ledgerEnv);
    await this.waitForLedger();
  }

  /** Stops the ledger service (SIGTERM, SIGKILL after 10 s). */
  async stopLedger(): Promise<void> {
    const ledger = this.ledger;
    if (ledger && ledger.child.exitCode === null) {
      ledger.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const exitedInTime = await Promise.race([ledger.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => { r(false); }, 10_000)))]);
      clearTimeout(timer);
      if (!exitedInTime) ledger.child.kill('SIGKILL');
    }
  }

  /** The chain's height, asked of the ledger over the bus (so also while the edge is down). */
  async chainHeight(): Promise<number> {
    return (await this.busRequest(LedgerGetChainInfo.CONTRACT, {})).height;
  }

  /** Sends a signal to the ledger service's process (SIGSTOP/SIGCONT: hold a commit back, then let it through). */
  signalLedger(signal: NodeJS.Signals): void {
    this.ledger?.child.kill(signal);
  }

  /** The edge's process (with `gatewayProcess`), for a test that signals it (SIGSTOP, SIGKILL). */
  gatewayChild(): TsChild {
    if (!this.gateway) throw new Error('the edge runs in the test process: start the stack with gatewayProcess');
    return this.gateway;
  }

  /** Starts the edge's process (again) on the same port and environment; resolves once `/ready` answers 200. */
  async startGateway(): Promise<void> {
    const gateway = spawnTsEntry('apps/api-gateway/src/main.ts', this.gatewayEnv);
    this.gateway = gateway;
    // Compiled on the fly (SWC) at every start: on a busy two-core machine that alone can take a minute.
    const deadline = Date.now() + 150_000;
    for (;;) {
      const ready = await fetch(`${this.baseUrl}/ready`).then((r) => r.status === 200, () => false);
      if (ready) return;
      if (Date.now() > deadline || gateway.child.exitCode !== null) throw new Error(`the edge did not come up:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Kills the edge's process with `signal` (SIGKILL: a crash) and waits for it to end. */
  async killGateway(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const gateway = this.gatewayChild();
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
    gateway.child.kill(signal);
    await gateway.exited;
  }

  ledgerOutput(): string {
    return this.ledger?.output() ?? '';
  }

  async stop(): Promise<void> {
    if (this.gateway) await this.killGateway('SIGKILL').catch(() => undefined);
    for (const app of this.apps.reverse()) await app.close().catch(() => undefined);
    await this.stopLedger();
    if ((this.nc as NatsConnection | undefined) !== undefined) await this.nc.close().catch(() => undefined);
    await this.nats.dispose();
    for (const c of this.cleanups) c();
  }
}

