import { EntitySchema } from '@mikro-orm/core';

/** The ledger writes a site owes: a version to release, a deletion, a tamper finding. */
export type LedgerIntentKind = 'release' | 'delete' | 'tamper-finding';

/** How an intent ended: its write is on-chain, or the ledger refused it (a decision, not an outage). */
export type LedgerIntentOutcome = 'committed' | 'refused';

/**
 * One ledger write this site owes, kept until the ledger has decided it. It is written in the same
 * transaction as the dataset change it belongs to, so a change the site acknowledged is never without
 * its write, whatever stops in between (the ledger, NATS, this process). Open intents of one dataset
 * are carried out in the order they were written (`id`).
 */
export class LedgerIntentRow {
  id!: number;
  kind!: LedgerIntentKind;
  datasetId!: string;
  /** release: the version to record; delete: the deletion's version; tamper-finding: the version found changed. */
  version!: number;
  /** What the write needs beyond the dataset's rows (delete: operator, description; tamper-finding: the finding). */
  payloadJson!: string;
  /** JSON of the acting user's ActorHeader: the ledger signs with that user's organisation. */
  actorJson!: string;
  createdAt!: Date;
  attempts!: number;
  /** When the worker tries again (the backoff of the last failed attempt). */
  nextAttemptAt!: Date;
  /** Why the last attempt did not complete (the ledger's or the bus's code and message). */
  lastErrorCode!: string | null;
  lastError!: string | null;
  /** Null while the write is owed. */
  doneAt!: Date | null;
  outcome!: LedgerIntentOutcome | null;
}

export const LedgerIntentSchema = new EntitySchema<LedgerIntentRow>({
  class: LedgerIntentRow,
  tableName: 'storage_ledger_intents',
  indexes: [{ name: 'storage_ledger_intents_open_index', properties: ['doneAt', 'datasetId'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    kind: { type: 'string', length: 32 },
    datasetId: { type: 'string', fieldName: 'dataset_id', length: 128 },
    version: { type: 'integer' },
    payloadJson: { type: 'text', fieldName: 'payload_json' },
    actorJson: { type: 'text', fieldName: 'actor_json' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'datetime', fieldName: 'next_attempt_at' },
    lastErrorCode: { type: 'string', fieldName: 'last_error_code', nullable: true, length: 64 },
    lastError: { type: 'text', fieldName: 'last_error', nullable: true },
    doneAt: { type: 'datetime', fieldName: 'done_at', nullable: true },
    outcome: { type: 'string', length: 16, nullable: true },
  },
});
