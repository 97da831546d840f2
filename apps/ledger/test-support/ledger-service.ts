// Test support: the real ledger service (its own module, real NATS, real SQLite, the embedded
// ledger) started in-process or as a child process, a bus client that survives its restarts, and
// a JetStream reader for the events it republishes.
import type { INestApplication } from '@nestjs/common';
import { EVENT_STREAM, MessageBus, persistenceSettingsOf, startService, type ActorHeader, type MessagingOptions } from '@phdmf/messaging';
import { LedgerAddDataset, LedgerGetBlock, LedgerGetChainInfo } from '@phdmf/contracts';
import { createLogger, type Logger } from '@phdmf/logging';
import { migrate } from '@phdmf/persistence';
import { connect, type NatsConnection } from 'nats';
import { AppModule } from '../src/app.module';
import { loadLedgerConfig, type LedgerConfig } from '../src/config';
import { datasetVersion } from '../src/ledger-port/conformance/builders';
import { EmbeddedLedgerAdapter } from '../src/ledger-port/embedded/embedded-ledger.adapter';
import { LEDGER_PERSISTENCE } from '../src/persistence';
import { spawnTsEntry, type TsChild } from '@phdmf/testing';

export const GOVERNOR_MSP = 'ConsortiumMSP';

/** Acting users as the REST edge would send them. */
export const Actors = {
  consortiumAdmin: { userId: 'admin-1', roles: ['consortium-admin'] },
  service: { userId: 'authorization', roles: ['service'] },
  staffOf: (organisationId: string): ActorHeader => ({ userId: `staff-of-${organisationId}`, organisationId, roles: ['institution-admin'] }),
  researcher: { userId: 'researcher-9c21', organisationId: 'uni-x', roles: ['researcher'] },
} satisfies Record<string, ActorHeader | ((org: string) => ActorHeader)>;

/** The environment a test ledger service runs with. */
export function ledgerEnv(natsUrl: string, dataDir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NATS_URL: natsUrl,
    PHDMF_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LEDGER_GOVERNOR_MSP: GOVERNOR_MSP,
    ...overrides,
  };
}

/** Applies the ledger service's migrations (the explicit step; never run at start-up). */
export async function migrateLedger(config: LedgerConfig): Promise<void> {
  await migrate(persistenceSettingsOf('ledger', config, LEDGER_PERSISTENCE));
}

/** Starts the ledger service in this process, as main.ts does, after migrating its database. */
export async function startLedgerService(env: Record<string, string>, logger?: Logger): Promise<INestApplication> {
  const config = loadLedgerConfig(env);
  const log = logger ?? createLogger({ service: 'ledger', level: config.LOG_LEVEL });
  await migrateLedger(config);
  return startService(AppModule.forRoot(config, log), { logger: log });
}

/**
 * Starts apps/ledger/src/main.ts in a child process (TypeScript compiled on the fly by SWC). How it
 * ended: `exited` gives the exit code, `child.signalCode` the signal that ended it, if one did.
 */
export function spawnLedgerService(env: Record<string, string>): TsChild {
  return spawnTsEntry('apps/ledger/src/main.ts', env);
}

/** A NATS client of the ledger service, independent of any service's lifetime. */
export class LedgerClient {
  private constructor(
    readonly nc: NatsConnection,
    readonly bus: MessageBus,
  ) {}

  static async connect(natsUrl: string, requestTimeoutMs = 10_000): Promise<LedgerClient> {
    const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const options = { service: 'api-gateway', servers: [natsUrl], requestTimeoutMs, logger: createLogger({ service: 'test', level: 'silent' }) } satisfies MessagingOptions;
    return new LedgerClient(nc, new MessageBus(nc, options));
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }

  /** Every ledger event stored in the stream, in stream order, read with a JetStream consumer. */
  async storedLedgerEvents(): Promise<StoredEvent[]> {
    const consumer = await this.nc.jetstream().consumers.get(EVENT_STREAM.name, { filterSubjects: 'phdmf.evt.ledger.>' });
    const events: StoredEvent[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 1_000, expires: 1_000 });
      let received = 0;
      let drained = false;
      for await (const m of batch) {
        received += 1;
        events.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id') ?? '', seq: m.seq, payload: m.json<StoredEvent['payload']>() });
        if (m.info.pending === 0) {
          drained = true;
          break;
        }
      }
      if (received === 0 || drained) break;
    }
    await consumer.delete();
    return events;
  }
}

export interface StoredEvent {
  subject: string;
  msgId: string;
  seq: number;
  payload: { txId: string; blockNumber: number; txIndex: number; eventIndex: number; eventName: string; record: Record<string, unknown> };
}

/** The message ids the chain's committed events must have on the bus: `<txId>:0` of every valid transaction with an event. */
export async function chainEventIds(client: LedgerClient): Promise<string[]> {
  const { height } = await client.bus.request(LedgerGetChainInfo.CONTRACT, {});
  const ids: string[] = [];
  for (let blockNumber = 0; blockNumber < height; blockNumber++) {
    const block = await client.bus.request(LedgerGetBlock.CONTRACT, { blockNumber });
    for (const tx of block.transactions) {
      if (tx.validationCode === 'VALID' && tx.eventName !== undefined) ids.push(`${tx.txId}:0`);
    }
  }
  return ids;
}

/**
 * Sends add-dataset commands with `inFlight` concurrent callers until `stop()` is called, riding
 * out a ledger service that is down (requests then fail and are not retried: a new dataset is
 * tried instead). Collects the transaction ids of the commands that were answered as committed.
 */
export function produceDatasets(client: LedgerClient, actor: ActorHeader, inFlight: number): { committed: string[]; failures: () => number; stop: () => Promise<void> } {
  const committed: string[] = [];
  let failures = 0;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const answer = await client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion(), { actor, timeoutMs: 3_000 });
        committed.push(answer.txId);
      } catch {
        failures += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const workers = Array.from({ length: inFlight }, () => worker());
  return {
    committed,
    failures: () => failures,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** Events of valid transactions in a closed embedded ledger, counted from its blocks. */
export async function chainEventCountInFile(ledgerDir: string): Promise<number> {
  const ledger = await EmbeddedLedgerAdapter.open({ dataDir: ledgerDir });
  try {
    const { height } = await ledger.chainInfo();
    let count = 0;
    for (let n = 0; n < height; n++) count += (await ledger.getBlock(n)).transactions.filter((t) => t.validationCode === 'VALID' && t.eventName !== undefined).length;
    return count;
  } finally {
    await ledger.close();
  }
}
