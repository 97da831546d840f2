// Test support for the service test: all real — nats-server with JetStream, the ledger service
// (apps/ledger/src/main.ts in a child process, embedded ledger), and the authorization service
// started in this process as main.ts starts it, after its explicit migration.
import { generateKeyPairSync } from 'node:crypto';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { LedgerAddDataset, LedgerAdmitMember, LedgerListMembers, type LedgerColumnType } from '@phdmf/contracts';
import { createLogger, type Logger } from '@phdmf/logging';
import { MessageBus, persistenceSettingsOf, startService, type ActorHeader, provisionEventStream } from '@phdmf/messaging';
import { migrate } from '@phdmf/persistence';
import { spawnTsEntry, TestNatsServer, tempDir } from '@phdmf/testing';
import { AppModule } from '../src/app.module';
import { loadAuthorizationConfig } from '../src/config';
import { AUTHORIZATION_PERSISTENCE } from '../src/persistence';

export const CONSORTIUM_ADMIN: ActorHeader = { userId: 'consortium-admin-1', roles: ['consortium-admin'] };
const sha = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);


export class ServiceWorld {
  private readonly cleanups: (() => void)[] = [];
  private counter = 0;

  private constructor(
    readonly nats: TestNatsServer,
    private readonly ledger: ReturnType<typeof spawnTsEntry>,
    readonly nc: NatsConnection,
    /** A client on the bus, as the REST edge or another service would be. */
    readonly bus: MessageBus,
    readonly root: string,
    readonly logger: Logger,
  ) {}

  static async start(): Promise<ServiceWorld> {
    const nats = await TestNatsServer.start({ provision: provisionEventStream });
    const dir = tempDir('phdmf-authorization-world-');
    const env = { NATS_URL: nats.url, PHDMF_DATA_DIR: path.join(dir.dir, 'ledger'), LOG_LEVEL: 'warn', LEDGER_GOVERNOR_MSP: 'ConsortiumMSP', LEDGER_VERIFY_ON_START: 'false' };
    const migrated = spawnTsEntry('apps/ledger/src/migrate.ts', env);
    if ((await migrated.exited) !== 0) throw new Error(`ledger migration failed:\n${migrated.output()}`);
    const ledger = spawnTsEntry('apps/ledger/src/main.ts', env);
    const nc = await connect({ servers: nats.url });
    const logger = createLogger({ service: 'test', level: 'silent' });
    const bus = new MessageBus(nc, { service: 'api-gateway', servers: [nats.url], requestTimeoutMs: 15_000, logger });
    const world = new ServiceWorld(nats, ledger, nc, bus, dir.dir, logger);
    world.cleanups.push(dir.remove);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await bus.request(LedgerListMembers.CONTRACT, {}, { actor: CONSORTIUM_ADMIN, timeoutMs: 1_000 });
        return world;
      } catch (error) {
        if (Date.now() > deadline || ledger.child.exitCode !== null) {
          await world.dispose();
          throw new Error(`the ledger service did not start: ${String(error)}\n${ledger.output()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Starts the authorization service with a database of its own, after its explicit migration. */
  async startAuthorization(overrides: Record<string, string> = {}): Promise<INestApplication> {
    this.counter += 1;
    const config = loadAuthorizationConfig({ NATS_URL: this.nats.url, PHDMF_DATA_DIR: path.join(this.root, `authorization-${this.counter}`), LOG_LEVEL: 'silent', CATCH_UP_RETRY_MS: '200', ...overrides });
    await migrate(persistenceSettingsOf('authorization', config, AUTHORIZATION_PERSISTENCE));
    return startService(AppModule.forRoot(config, this.logger), { logger: this.logger });
  }

  /** Freezes the ledger service (SIGSTOP), as a long pause or an overloaded host does: nothing answers until {@link resumeLedger}. */
  pauseLedger(): void {
    this.ledger.child.kill('SIGSTOP');
  }

  resumeLedger(): void {
    this.ledger.child.kill('SIGCONT');
  }

  /** Admits an institution on-chain, as the node registry does. */
  async admit(memberId: string, name: string): Promise<void> {
    await this.bus.request(
      LedgerAdmitMember.CONTRACT,
      {
        memberId,
        name,
        mspId: `${memberId.replace(/[^A-Za-z0-9]/g, '')}MSP`,
        nodeId: `node-${memberId}`,
        nodePublicKey: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        endpoint: `https://node-${memberId}.example.org:8443`,
      },
      { actor: CONSORTIUM_ADMIN },
    );
  }

  /** Releases a dataset on-chain as the owner's storage node does (columns with their types). */
  release(owner: string, datasetId: string, name: string, columns: [string, LedgerColumnType][]): Promise<LedgerAddDataset.Result> {
    return this.bus.request(
      LedgerAddDataset.CONTRACT,
      {
        datasetId,
        version: 1,
        fileName: `${datasetId}.csv`,
        sha256: sha(datasetId),
        rowCount: 250,
        columnCount: columns.length,
        schemaDigest: sha(`${datasetId}-schema`),
        operator: `staff-of-${owner}`,
        description: `${name}, released by ${owner}`,
        name,
        columns: columns.map(([c]) => c),
        columnTypes: columns.map(([, t]) => t),
      },
      { actor: staffOf(owner) },
    );
  }

  async dispose(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
    if (this.ledger.child.exitCode === null) {
      this.ledger.child.kill('SIGTERM');
      await this.ledger.exited;
    }
    await this.nats.dispose();
    for (const c of this.cleanups) c();
  }
}

export function staffOf(organisationId: string, roles: string[] = ['institution-admin']): ActorHeader {
  return { userId: `staff-of-${organisationId}`, organisationId, roles };
}
