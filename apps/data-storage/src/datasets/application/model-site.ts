import { Inject, Injectable } from '@nestjs/common';
import { StorageModel, type LedgerStatistic } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { refuseIfLate, type ActorHeader } from '@phdmf/messaging';
import type { DatasetSchema, SqlCondition } from '@phdmf/modelling';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import { SummaryEngine } from '../infrastructure/engine/summary-engine';
import type { NodeSigner } from '../infrastructure/signing/node-signer';
import { NODE_SIGNER, SUMMARY_ENGINE } from '../storage.tokens';
import { checkRequester, DatasetGate, signedHead, type GatedDataset, type LocalDataset } from './dataset-gate';
import { dpUnsupported, modellingSchema } from './subsets';

/** A dataset admitted for a modelling operation: the ledger's grant in force, the relation to read. */
export interface AdmittedDataset extends GatedDataset {
  named: DatasetSchema;
  /** The stored file as a relation with the schema's column names (what libs/modelling's SQL reads). */
  from: string;
}

/**
 * What every modelling operation at this site does around its own numbers: the requester check,
 * the dataset and the grant (the node's DatasetGate, as for summaries, over every column the
 * operation reads and the operation's grant statistic), no exact numbers under a dp grant, queries
 * to DuckDB, and the signed answer with the node's key.
 */
@Injectable()
export class ModelSite {
  constructor(
    readonly gate: DatasetGate,
    @Inject(SUMMARY_ENGINE) private readonly engine: SummaryEngine,
    @Inject(NODE_SIGNER) private readonly signer: NodeSigner,
    @Inject(STORAGE_SETTINGS) readonly settings: StorageSettings,
  ) {}

  /** The disclosure threshold: the site's minimum count. */
  get threshold(): number {
    return this.settings.disclosure.minCount;
  }

  /** Details every refusal of this site carries. */
  get refusalDetails(): { site: string } {
    return { site: this.settings.nodeId };
  }

  /**
   * The caller's deadline, checked now and again by the returned function when the work's turn in
   * the node's queue comes: work its caller stopped waiting for is not done (MESSAGING.DEADLINE_EXCEEDED).
   */
  notLate(what: string): () => void {
    const deadline = Correlation.current()?.deadline;
    refuseIfLate(what, deadline);
    return () => {
      refuseIfLate(what, deadline);
    };
  }

  /** The released dataset here, and its schema as libs/modelling reads it (before the trees are parsed). */
  async dataset(head: StorageModel.ModelRequestHead, actor: ActorHeader | undefined): Promise<{ dataset: LocalDataset; named: DatasetSchema }> {
    checkRequester(head.requester, actor);
    const dataset = await this.gate.local(head.datasetId);
    return { dataset, named: modellingSchema(dataset.schema) };
  }

  /** The ledger's grant for the columns the operation reads and its statistic; MODEL.DP_UNSUPPORTED under a dp grant. */
  async admit(dataset: LocalDataset, named: DatasetSchema, head: StorageModel.ModelRequestHead, kind: StorageModel.ModelOperationKind, columns: readonly string[]): Promise<AdmittedDataset> {
    const statistic: LedgerStatistic = StorageModel.MODEL_OPERATION_STATISTIC[kind];
    const gated = await this.gate.checkLedger(dataset, { requester: head.requester, columns: [...new Set(columns)].sort(), statistics: [statistic] });
    if (gated.grant.grant?.privacyMode === 'dp') throw dpUnsupported();
    return { ...gated, named, from: SummaryEngine.namedSource(this.gate.fileOf(dataset), dataset.schema, dataset.format) };
  }

  /** One query's rows. */
  run(query: SqlCondition): Promise<unknown[][]> {
    return this.engine.rows(query);
  }

  /** Keeps a query's rows as an engine table (a GLM session's snapshot); the table as SQL reads it. */
  keep(table: string, query: SqlCondition): Promise<string> {
    return this.engine.keep(table, query);
  }

  drop(table: string): Promise<void> {
    return this.engine.drop(table);
  }

  /** The signed head of an answer. */
  head<K extends StorageModel.ModelOperationKind>(
    kind: K,
    head: StorageModel.ModelRequestHead,
    dataset: { id: string; version: number; sha256: string },
    grantRequestId: string,
    counts: { rowCount: number; subsetCount?: number | undefined },
  ): StorageModel.ModelBodyHead & { operation: K } {
    return {
      ...signedHead(this.settings, head, dataset, grantRequestId, counts.rowCount),
      operation: kind,
      ...(counts.subsetCount === undefined ? {} : { subsetCount: counts.subsetCount }),
    };
  }

  /** The answer signed with the node key, `computeMillis` measured last (everything but the signature). */
  sign<B extends StorageModel.ModelBody>(body: B, started: number): StorageModel.Result<B> {
    body.computeMillis = Math.round((performance.now() - started) * 1000) / 1000;
    return { body, signature: this.signer.sign(body) };
  }
}
