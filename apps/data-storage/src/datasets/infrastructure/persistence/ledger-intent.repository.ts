import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import type { ActorHeader } from '@phdmf/messaging';
import { LedgerIntentRow, type LedgerIntentKind, type LedgerIntentOutcome } from './ledger-intent.entity';

/** What a use case owes the ledger; the row gets the rest. */
export interface NewLedgerIntent {
  kind: LedgerIntentKind;
  datasetId: string;
  version: number;
  payload?: object;
  actor: ActorHeader;
}

/** The site's owed ledger writes. Reads are their own unit of work; `add` joins the caller's. */
@Injectable()
export class LedgerIntentRepository {
  constructor(private readonly orm: MikroORM) {}

  /** Adds an owed write to the caller's unit of work, so it commits with the change it belongs to. */
  add(em: EntityManager, intent: NewLedgerIntent, now = new Date()): LedgerIntentRow {
    const row = em.create(LedgerIntentRow, {
      kind: intent.kind,
      datasetId: intent.datasetId,
      version: intent.version,
      payloadJson: JSON.stringify(intent.payload ?? {}),
      actorJson: JSON.stringify(intent.actor),
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      lastErrorCode: null,
      lastError: null,
      doneAt: null,
      outcome: null,
    });
    em.persist(row);
    return row;
  }

  async find(id: number): Promise<LedgerIntentRow | null> {
    return this.orm.em.fork().findOne(LedgerIntentRow, { id });
  }

  /** One dataset's owed writes, oldest first (the order they must reach the ledger in). */
  async open(datasetId: string): Promise<LedgerIntentRow[]> {
    return this.orm.em.fork().find(LedgerIntentRow, { datasetId, doneAt: null }, { orderBy: { id: 'asc' } });
  }

  /** Datasets with owed writes, the one whose retry is due first first. */
  async datasetsOwed(): Promise<string[]> {
    const rows = await this.orm.em.fork().find(LedgerIntentRow, { doneAt: null }, { orderBy: { nextAttemptAt: 'asc', id: 'asc' }, fields: ['datasetId', 'nextAttemptAt'] });
    return [...new Set(rows.map((r) => r.datasetId))];
  }

  /** The datasets among `datasetIds` that have owed writes. */
  async owedAmong(datasetIds: string[]): Promise<Set<string>> {
    if (datasetIds.length === 0) return new Set();
    const rows = await this.orm.em.fork().find(LedgerIntentRow, { doneAt: null, datasetId: { $in: datasetIds } }, { fields: ['datasetId'] });
    return new Set(rows.map((r) => r.datasetId));
  }

  /** Whether a write of this kind is owed for the dataset, read in the caller's transaction. */
  async isOwed(em: EntityManager, datasetId: string, kind: LedgerIntentKind): Promise<boolean> {
    return (await em.count(LedgerIntentRow, { datasetId, kind, doneAt: null })) > 0;
  }

  /** Marks an intent decided, in the caller's transaction. */
  async finish(em: EntityManager, id: number, outcome: LedgerIntentOutcome, error?: { code: string; message: string }): Promise<void> {
    await em.nativeUpdate(LedgerIntentRow, { id }, { doneAt: new Date(), outcome, ...(error ? { lastErrorCode: error.code, lastError: error.message } : {}) });
  }

  /** Records a failed attempt and when the next one is due, in the caller's transaction. */
  async postpone(em: EntityManager, intent: LedgerIntentRow, error: { code: string; message: string }, retryInMs: number): Promise<void> {
    await em.nativeUpdate(
      LedgerIntentRow,
      { id: intent.id },
      { attempts: intent.attempts + 1, nextAttemptAt: new Date(Date.now() + retryInMs), lastErrorCode: error.code, lastError: error.message },
    );
  }
}
