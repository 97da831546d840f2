// The steps every model analysis (a table, a correlation matrix, a GLM) shares, in the order that
// keeps the invariant "no site request without a committed grant in force covering what it reads":
//
// 1. the request is checked against every dataset's on-chain schema (libs/modelling's parsers), so
//    the columns it reads — the subset's included — are known;
// 2. every dataset is cleared by the AccessGate for those columns and the model's kind (the
//    chaincode's statistic `table`, `correlation` or `glm`); any refusal stops the model here, and a
//    dp grant does too (a model releases exact numbers);
// 3. the kind's use case asks the sites (`ask`: each answer's signature and head verified, a site's
//    refusal passed on with its code, naming the site);
// 4. `finish`: hashed, recorded on-chain as one analysis (the kind as its statistic, the columns,
//    a GLM's iterations), stored, returned.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CommonErrorCode,
  AggregationErrorCode,
  ModellingErrorCode,
  PhdmfError,
  requireActor,
  type ActingUser,
  type AggregationRunModel,
  type AnalysisDataset,
  type ModelAnalysisResult,
  type StorageModel,
} from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { ActorHeader } from '@phdmf/messaging';
import { LOGGER } from '../../aggregation.tokens';
import { AggregationConfig } from '../../config';
import { checkModelRequest, type CheckedModelRequest } from '../domain/model-request';
import { resultHashOf } from '../domain/result';
import type { ExpectedHead, Refusal } from '../domain/signed-answer';
import { LedgerClient } from '../infrastructure/ledger-client';
import { StorageSites } from '../infrastructure/storage-sites';
import { AccessGate, type ClearedDataset } from './access-gate';
import { AnalysisRecords } from './analysis-records';
import { modellingRefusal } from './site-refusal';

/** A model analysis under way: everything its use case needs to ask the sites and finish. */
export interface ModelRun {
  analysisId: string;
  requester: string;
  researcher: ActorHeader;
  request: CheckedModelRequest;
  cleared: ClearedDataset[];
  log: Logger;
}

/** The numbers a use case releases (the field of its kind) and, for a GLM, its iterations. */
export type ModelRelease = Pick<ModelAnalysisResult, 'table' | 'correlation' | 'glm'> & { iterations?: number; computeMillis?: ReadonlyMap<string, number> };

@Injectable()
export class ModelAnalyses {
  constructor(
    private readonly gate: AccessGate,
    private readonly records: AnalysisRecords,
    private readonly ledger: LedgerClient,
    private readonly sites: StorageSites,
    private readonly config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Steps 1 and 2: checked against the schemas, cleared with the ledger; nothing has been sent to a site. */
  async prepare(p: AggregationRunModel.Payload, actor: ActingUser | undefined): Promise<ModelRun> {
    const who = requireActor(actor);
    const requester = who.userId;
    await this.records.enforceQuota(requester);
    const onChain = await Promise.all(p.datasets.map((datasetId) => this.ledger.getDataset(datasetId)));
    const request = checkModelRequest(
      p,
      onChain.map((d) => ({ datasetId: d.datasetId, schema: { columns: d.columns ?? [], columnTypes: d.columnTypes ?? [] }, grids: d.columnGrids ?? [] })),
    );
    const cleared = await Promise.all(p.datasets.map((datasetId) => this.gate.clear(datasetId, requester, request.columns, [p.kind])));
    const dp = cleared.filter((d) => d.privacyMode === 'dp').map((d) => d.datasetId);
    if (dp.length > 0) {
      throw new PhdmfError(ModellingErrorCode.DP_UNSUPPORTED, `datasets ${dp.join(', ')} are granted under differential privacy; a ${p.kind} releases exact numbers`, { datasets: dp });
    }
    const analysisId = `an-${randomUUID()}`;
    const researcher: ActorHeader = { userId: who.userId, roles: [...who.roles], ...(who.organisationId ? { organisationId: who.organisationId } : {}) };
    return { analysisId, requester, researcher, request, cleared, log: this.logger.child({ analysisId, requester, kind: p.kind }) };
  }

  /** The head every answer of this dataset's node must carry. */
  expected(run: ModelRun, dataset: ClearedDataset): ExpectedHead {
    return {
      analysisId: run.analysisId,
      datasetId: dataset.datasetId,
      requester: run.requester,
      grantRequestId: dataset.grantRequestId,
      sha256: dataset.sha256,
      datasetVersion: dataset.datasetVersion,
      nodeId: dataset.nodeId,
      ownerMemberId: dataset.ownerMemberId,
      publicKeyPem: dataset.publicKeyPem,
    };
  }

  /**
   * Step 3, one operation at one node: the answer checked by `check` (signature, head, shape). A
   * refusal, a forged answer or silence fails the model, the node named.
   */
  async ask<B>(run: ModelRun, dataset: ClearedDataset, operation: StorageModel.AnyModelOperation, check: (answer: unknown, expected: ExpectedHead) => { ok: true; body: B } | Refusal): Promise<B> {
    const payload: StorageModel.Payload = { analysisId: run.analysisId, datasetId: dataset.datasetId, requester: run.requester, operation };
    let answer: unknown;
    try {
      answer = await this.sites.model(dataset.nodeId, payload, run.researcher, this.config.SITE_TIMEOUT_MS);
    } catch (error) {
      throw siteFailure(dataset, operation.kind, error);
    }
    const verdict = check(answer, this.expected(run, dataset));
    if (!verdict.ok) {
      run.log.error({ nodeId: dataset.nodeId, datasetId: dataset.datasetId, code: verdict.code, reason: verdict.reason, operation: operation.kind }, 'storage node model answer rejected');
      throw new PhdmfError(verdict.code, verdict.reason, { nodeId: dataset.nodeId, datasetId: dataset.datasetId });
    }
    return verdict.body;
  }

  /** Step 4: hashed, recorded on-chain, stored, returned. */
  async finish(run: ModelRun, release: ModelRelease): Promise<ModelAnalysisResult> {
    const { iterations, computeMillis, ...numbers } = release;
    const datasets: AnalysisDataset[] = run.cleared.map((d) => {
      const millis = computeMillis?.get(d.datasetId);
      return {
        datasetId: d.datasetId,
        nodeId: d.nodeId,
        ownerMemberId: d.ownerMemberId,
        sha256: d.sha256,
        datasetVersion: d.datasetVersion,
        grantRequestId: d.grantRequestId,
        status: 'used' as const,
        ...(millis === undefined ? {} : { computeMillis: millis }),
      };
    });
    const released: Omit<ModelAnalysisResult, 'resultHash' | 'txId' | 'blockNumber'> = {
      analysisId: run.analysisId,
      kind: run.request.view.kind,
      status: 'complete',
      requester: run.requester,
      request: run.request.view,
      columns: run.request.columns,
      datasets,
      ...numbers,
      createdAt: new Date().toISOString(),
    };
    const resultHash = resultHashOf(released);
    const committed = await this.records.record(
      {
        analysisId: run.analysisId,
        requester: run.requester,
        grants: run.cleared.map((d) => ({ requestId: d.grantRequestId, datasetId: d.datasetId, sha256: d.sha256 })),
        statistics: [run.request.view.kind],
        columns: run.request.columns,
        resultHash,
        ...(iterations === undefined ? {} : { iterations }),
      },
      run.log,
    );
    const result: ModelAnalysisResult = { ...released, resultHash, txId: committed.txId, blockNumber: committed.blockNumber };
    await this.records.store(result);
    run.log.info({ txId: result.txId, blockNumber: result.blockNumber, ...(iterations === undefined ? {} : { iterations }) }, 'model recorded');
    return result;
  }
}

/** A node's failure, named: a modelling refusal with its own code (site-refusal.ts), anything else as the summaries do. */
function siteFailure(dataset: ClearedDataset, operation: string, error: unknown): PhdmfError {
  const at = `node "${dataset.nodeId}" (dataset "${dataset.datasetId}")`;
  const code = error instanceof PhdmfError ? error.code : CommonErrorCode.INTERNAL;
  const named = { nodeId: dataset.nodeId, datasetId: dataset.datasetId };
  const refusal = modellingRefusal(dataset, operation, error);
  if (refusal !== undefined) return refusal;
  if (code === CommonErrorCode.TIMEOUT) return new PhdmfError(AggregationErrorCode.SITE_TIMEOUT, `${at} did not answer the ${operation} in time`, { ...named, cause: code });
  if (code === CommonErrorCode.NO_RESPONDERS) return new PhdmfError(AggregationErrorCode.SITE_UNREACHABLE, `${at} is not reachable: no storage service answers on its model subject`, { ...named, cause: code });
  return new PhdmfError(AggregationErrorCode.SITE_FAILED, `${at} failed the ${operation} with ${code}`, { ...named, cause: code });
}
