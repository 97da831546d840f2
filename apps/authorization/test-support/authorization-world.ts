// Test support for the authorization service's handler specs: a real SQLite database with the
// service's migrations, a scripted stand-in for the bus (the ledger's answers), builders of
// committed ledger records, and the service's parts wired as its module wires them.
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import {
  CommonErrorCode,
  LedgerDenyAccess,
  LedgerGetAccessRequest,
  LedgerGetDataset,
  LedgerGetTransaction,
  LedgerGrantAccess,
  LedgerRequestAccess,
  LedgerRevokeAccess,
  LedgerSetDatasetStance,
  PhdmfError,
  type AnyRequestContract,
  type LedgerAccessRequestRecord,
  type LedgerDatasetRecord,
  type LedgerMemberRecord,
  type LedgerStatistic,
} from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import type { MessageBus } from '@phdmf/messaging';
import { createIsolatedDatabase, createOrmOptions, migrate } from '@phdmf/persistence';
import { tempDir } from '@phdmf/testing';
import { loadAuthorizationConfig } from '../src/config';
import { AccessDecisions } from '../src/market/application/access-decisions';
import { DenyAccessHandler } from '../src/market/commands/deny-access/deny-access.handler';
import { GrantAccessHandler } from '../src/market/commands/grant-access/grant-access.handler';
import { RequestAccessHandler } from '../src/market/commands/request-access/request-access.handler';
import { RevokeAccessHandler } from '../src/market/commands/revoke-access/revoke-access.handler';
import { SetStanceHandler } from '../src/market/commands/set-stance/set-stance.handler';
import { Catalogue } from '../src/market/infrastructure/catalogue';
import { LedgerCatchUp } from '../src/market/infrastructure/ledger-catch-up';
import { LedgerClient } from '../src/market/infrastructure/ledger-client';
import { Projection } from '../src/market/infrastructure/projection';
import { GetAccessRequestHandler } from '../src/market/queries/get-access-request/get-access-request.handler';
import { GetMarketEntryHandler } from '../src/market/queries/get-market-entry/get-market-entry.handler';
import { ListAccessRequestsHandler } from '../src/market/queries/list-access-requests/list-access-requests.handler';
import { SearchMarketHandler } from '../src/market/queries/search-market/search-market.handler';
import { AUTHORIZATION_PERSISTENCE } from '../src/persistence';

export type Answer = (payload: unknown, actor: unknown) => unknown;

/** Answers bus requests by subject from a script; an unscripted subject has no responders. */
export class ScriptedBus {
  readonly sent: { subject: string; payload: unknown; actor: unknown }[] = [];
  readonly answers = new Map<string, Answer>();

  on(contract: AnyRequestContract, answer: Answer): this {
    this.answers.set(contract.subject, answer);
    return this;
  }

  request(contract: AnyRequestContract, payload: unknown, options?: { actor?: unknown }): Promise<unknown> {
    this.sent.push({ subject: contract.subject, payload, actor: options?.actor });
    const answer = this.answers.get(contract.subject);
    if (!answer) return Promise.reject(new PhdmfError(CommonErrorCode.NO_RESPONDERS, `No service answers ${contract.subject}`));
    try {
      return Promise.resolve(answer(payload, options?.actor));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  subjects(): string[] {
    return this.sent.map((s) => s.subject);
  }

  asBus(): MessageBus {
    return this as unknown as MessageBus;
  }
}

/** A migrated database of the service: a SQLite file, or (given a PostgreSQL server URL) a database of its own there. */
export async function authorizationDatabase(serverUrl?: string): Promise<{ orm: MikroORM; close: () => Promise<void> }> {
  const dir = tempDir('phdmf-authorization-');
  const isolated = serverUrl ? await createIsolatedDatabase(serverUrl) : undefined;
  const settings = { service: 'authorization', dataDir: dir.dir, databaseUrl: isolated?.url, ...AUTHORIZATION_PERSISTENCE };
  await migrate(settings);
  const orm = await MikroORM.init(createOrmOptions(settings));
  return {
    orm,
    close: async () => {
      await orm.close(true);
      await isolated?.drop();
      dir.remove();
    },
  };
}

export const testConfig = (env: Record<string, string> = {}) => loadAuthorizationConfig({ NATS_URL: 'nats://127.0.0.1:1', CATCH_UP_ON_START: 'false', DECISION_SETTLE_MS: '300', ...env });
export const silentLogger = () => createLogger({ service: 'test', level: 'silent' });

/** The service's parts over one database and one (scripted) bus, wired as MarketModule wires them. */
export function wire(orm: MikroORM, bus: ScriptedBus) {
  const config = testConfig();
  const logger = silentLogger();
  const projection = new Projection(orm);
  const ledger = new LedgerClient(bus.asBus());
  const catalogue = new Catalogue(orm, projection, ledger);
  const decisions = new AccessDecisions(catalogue, projection, ledger, bus.asBus(), config, logger);
  return {
    projection,
    ledger,
    catalogue,
    setStance: new SetStanceHandler(orm, bus.asBus(), catalogue, projection, ledger, config, logger),
    requestAccess: new RequestAccessHandler(bus.asBus(), catalogue, projection, ledger, config, orm, logger),
    grant: new GrantAccessHandler(decisions),
    deny: new DenyAccessHandler(decisions),
    revoke: new RevokeAccessHandler(decisions),
    search: new SearchMarketHandler(orm, catalogue),
    getEntry: new GetMarketEntryHandler(orm, catalogue, ledger),
    listRequests: new ListAccessRequestsHandler(orm),
    getRequest: new GetAccessRequestHandler(catalogue),
    catchUp: new LedgerCatchUp(orm, ledger, projection, config, logger),
  };
}

/** Acting users as the REST edge sends them. */
export const Users = {
  researcher: { userId: 'researcher-1', roles: ['researcher'] },
  otherResearcher: { userId: 'researcher-2', roles: ['researcher'] },
  adminA: { userId: 'admin-a', organisationId: 'hospital-a', roles: ['institution-admin'] },
  memberA: { userId: 'member-a', organisationId: 'hospital-a', roles: ['member'] },
  adminB: { userId: 'admin-b', organisationId: 'hospital-b', roles: ['institution-admin'] },
  memberB: { userId: 'member-b', organisationId: 'hospital-b', roles: ['member'] },
  consortiumAdmin: { userId: 'consortium-admin', roles: ['consortium-admin'] },
} as const;

const sha = (label: string) => label.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a').slice(0, 64);

export function memberRecord(memberId: string, name: string, overrides: Partial<LedgerMemberRecord> = {}): LedgerMemberRecord {
  const now = new Date().toISOString();
  return { memberId, name, mspId: `${memberId}-msp`, status: 'active', decidedAt: now, updatedAt: now, txId: `tx-admit-${memberId}`, ...overrides };
}

export function datasetRecord(overrides: Partial<LedgerDatasetRecord> = {}): LedgerDatasetRecord {
  const at = overrides.createdAt ?? new Date().toISOString();
  return {
    datasetId: `ds-${randomUUID()}`,
    version: 1,
    fileName: 'cohort.csv',
    sha256: sha('c0ffee'),
    rowCount: 120,
    columnCount: 3,
    schemaDigest: sha('5c4e3a'),
    operator: 'staff-1',
    description: 'Cardiology cohort, 2019-2023',
    name: 'Cardiology cohort',
    columns: ['age', 'sex', 'visit'],
    columnTypes: ['numeric', 'categorical', 'date'],
    ownerMemberId: 'hospital-a',
    ownerMspId: 'hospital-a-msp',
    status: 'active',
    createdAt: at,
    updatedAt: at,
    txId: `tx-${randomUUID()}`,
    ...overrides,
  };
}

export function accessRecord(dataset: LedgerDatasetRecord, overrides: Partial<LedgerAccessRequestRecord> = {}): LedgerAccessRequestRecord {
  const now = new Date().toISOString();
  const txId = overrides.txId ?? `tx-${randomUUID()}`;
  return {
    requestId: randomUUID(),
    datasetId: dataset.datasetId,
    datasetVersion: dataset.version,
    datasetSha256: dataset.sha256,
    ownerMemberId: dataset.ownerMemberId,
    ownerMspId: dataset.ownerMspId,
    requester: Users.researcher.userId,
    purpose: 'blood pressure by age band',
    columns: ['age', 'sex'],
    statistics: ['count', 'mean'],
    requestedExpiry: new Date(Date.now() + 86_400_000).toISOString(),
    submittedByMspId: 'ConsortiumMSP',
    requestedAt: now,
    requestTxId: txId,
    status: 'pending',
    updatedAt: now,
    txId,
    ...overrides,
  };
}

/**
 * Scripts the ledger's answers on a ScriptedBus the way the chaincode decides them (owner check by
 * organisation, state machine, narrowing only), with a growing block number per transaction.
 */
export class ScriptedLedger {
  block = 10;
  readonly datasets = new Map<string, LedgerDatasetRecord>();
  readonly requests = new Map<string, LedgerAccessRequestRecord>();
  readonly blocks = new Map<string, number>();

  constructor(readonly bus: ScriptedBus) {
    bus.on(LedgerGetDataset.CONTRACT, (p) => this.datasets.get((p as { datasetId: string }).datasetId) ?? fail('DATASET.NOT_FOUND'));
    bus.on(LedgerGetAccessRequest.CONTRACT, (p) => this.requests.get((p as { requestId: string }).requestId) ?? fail('ACCESS.REQUEST_NOT_FOUND'));
    bus.on(LedgerGetTransaction.CONTRACT, (p) => ({ blockNumber: this.blocks.get((p as { txId: string }).txId) ?? fail('LEDGER.NOT_FOUND') }));
    bus.on(LedgerRequestAccess.CONTRACT, (p) => {
      // The payload arrives as plain JSON on the wire; here it is the handler's own object.
      const q = p as Record<string, unknown> & LedgerRequestAccess.Payload;
      const dataset = this.datasets.get(q.datasetId) ?? fail('DATASET.NOT_FOUND');
      if (this.requests.has(q.requestId)) fail('ACCESS.REQUEST_ALREADY_EXISTS');
      if (dataset.stance === 'closed') fail('ACCESS.DATASET_CLOSED');
      const { requestId, requester, requesterOrg, purpose, columns, statistics, requestedExpiry } = q;
      return this.commit(accessRecord(dataset, { requestId, requester, ...(requesterOrg !== undefined ? { requesterOrg } : {}), purpose, columns, statistics, requestedExpiry, status: 'pending' }));
    });
    const decide = (status: 'granted' | 'denied' | 'revoked', from: string) => (p: unknown, actor: unknown) => {
      const d = p as { requestId: string; operator: string; reason?: string; columns?: string[]; statistics?: LedgerStatistic[]; expiresAt?: string; followsUpdates?: boolean };
      const current = this.requests.get(d.requestId) ?? fail('ACCESS.REQUEST_NOT_FOUND');
      if ((actor as { organisationId?: string } | undefined)?.organisationId !== current.ownerMemberId) fail('ACCESS.NOT_OWNER');
      if (current.status !== from) fail('ACCESS.INVALID_STATE');
      const txId = `tx-${randomUUID()}`;
      const at = new Date().toISOString();
      const decision = { operator: d.operator, reason: d.reason ?? '', decidedAt: at, txId };
      const next: LedgerAccessRequestRecord =
        status === 'granted'
          ? {
              ...current,
              status,
              grant: {
                columns: d.columns ?? current.columns,
                statistics: d.statistics ?? current.statistics,
                expiresAt: d.expiresAt ?? current.requestedExpiry,
                operator: d.operator,
                ...(d.reason !== undefined ? { reason: d.reason } : {}),
                ...(d.followsUpdates !== undefined ? { followsUpdates: d.followsUpdates } : {}),
                grantedAt: at,
                txId,
              },
              updatedAt: at,
              txId,
            }
          : status === 'denied'
            ? { ...current, status, denial: decision, updatedAt: at, txId }
            : { ...current, status, revocation: decision, updatedAt: at, txId };
      return this.commit(next);
    };
    bus.on(LedgerGrantAccess.CONTRACT, decide('granted', 'pending'));
    bus.on(LedgerDenyAccess.CONTRACT, decide('denied', 'pending'));
    bus.on(LedgerRevokeAccess.CONTRACT, decide('revoked', 'granted'));
    bus.on(LedgerSetDatasetStance.CONTRACT, (p, actor) => {
      const s = p as LedgerSetDatasetStance.Payload;
      const current = this.datasets.get(s.datasetId) ?? fail('DATASET.NOT_FOUND');
      if ((actor as { organisationId?: string } | undefined)?.organisationId !== current.ownerMemberId) fail('DATASET.NOT_OWNER');
      if (current.status === 'deleted') fail('DATASET.DELETED');
      const at = new Date().toISOString();
      const { record, blockNumber } = this.release({ ...current, stance: s.stance, stanceSetBy: s.operator, stanceSetAt: at, updatedAt: at, txId: `tx-${randomUUID()}` });
      return { txId: record.txId, blockNumber, record };
    });
  }

  /** Records a committed dataset (as its release would). */
  release(record: LedgerDatasetRecord): { record: LedgerDatasetRecord; blockNumber: number } {
    this.datasets.set(record.datasetId, record);
    this.block += 1;
    this.blocks.set(record.txId, this.block);
    return { record, blockNumber: this.block };
  }

  private commit(record: LedgerAccessRequestRecord): { txId: string; blockNumber: number; record: LedgerAccessRequestRecord } {
    this.requests.set(record.requestId, record);
    this.block += 1;
    this.blocks.set(record.txId, this.block);
    return { txId: record.txId, blockNumber: this.block, record };
  }
}

function fail(code: string): never {
  throw new PhdmfError(code, `scripted ledger: ${code}`);
}
