import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AggregationErrorCode,
  AggregationRunAnalysis,
  CommonErrorCode,
  ModellingErrorCode,
  PhdmfError,
  requireActor,
  type ActingUser,
  type AnalysisDataset,
  type AnalysisRequestView,
  type AnalysisResult,
  type LedgerStatistic,
  type StorageSummarize,
} from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { inSpan, inSpanSync, SpanKind, UseCaseSpan } from '@phdmf/observability';
import { edgesOnGrid, statisticsNeededFromSites } from '@phdmf/statistics';
import { LOGGER } from '../../../aggregation.tokens';
import { AggregationConfig } from '../../../config';
import { AccessGate, type ClearedDataset } from '../../application/access-gate';
import { AnalysisRecords } from '../../application/analysis-records';
import { BudgetReservations } from '../../application/budget-reservation';
import { checkAnalysisRequest } from '../../domain/analysis-request';
import { subsetColumns } from '../../domain/model-request';
import { modellingRefusal } from '../../application/site-refusal';
import { buildResult, resultHashOf, type VerifiedSummary } from '../../domain/result';
import { checkSiteSummary } from '../../domain/site-summary-check';
import { LedgerClient } from '../../infrastructure/ledger-client';
import { StorageSites } from '../../infrastructure/storage-sites';

type SiteOutcome = { dataset: ClearedDataset; summary: VerifiedSummary } | { dataset: ClearedDataset; failure: PhdmfError };

/**
 * Runs an analysis, in an order that keeps the invariant "no summary request without a committed
 * grant in force and in scope":
 *
 * 1. every dataset is cleared with the ledger (access check, dataset, owner's node) — any refusal stops the
 *    analysis here, before a single summary request is sent;
 * 1½. on dp grants, the analysis' ρ is reserved on-chain (BudgetReservations) — BUDGET.EXHAUSTED stops it
 *    here, and each summary request names the reservation;
 * 2. the storage nodes are asked in parallel, each on its own subject, with one deadline;
 * 3. every answer is verified (signature with the on-chain node key; the body names this analysis,
 *    dataset, requester, grant, hash and version) — a forged or altered answer fails the analysis
 *    whatever `allowPartial` says; a node that failed or did not answer fails it unless partial
 *    results were asked for;
 * 4. pooled under the pool's disclosure threshold, hashed, recorded on the ledger (answered after
 *    commit), stored, returned. Nothing is released unless the record is committed.
 */
@Controller()
export class RunAnalysisHandler {
  constructor(
    private readonly records: AnalysisRecords,
    private readonly gate: AccessGate,
    private readonly budget: BudgetReservations,
    private readonly sites: StorageSites,
    private readonly ledger: LedgerClient,
    private readonly config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A retry (same Idempotency-Key) of an analysis already recorded gets its stored result. */
  @HandleRequest(AggregationRunAnalysis.CONTRACT)
  execute(@Payload() p: AggregationRunAnalysis.Payload, @Actor() actor: ActingUser | undefined): Promise<AggregationRunAnalysis.Result> {
    return this.records.replayOrRun(p.datasets, () => this.run(p, actor));
  }

  private async run(p: AggregationRunAnalysis.Payload, actor: ActingUser | undefined): Promise<AggregationRunAnalysis.Result> {
    const who = requireActor(actor);
    const request = checkAnalysisRequest(p, { maxColumns: this.config.MAX_COLUMNS_PER_ANALYSIS, maxQuantiles: this.config.MAX_QUANTILES_PER_ANALYSIS });
    const requester = who.userId;
    await this.records.enforceQuota(requester);
    const siteStatistics = statisticsNeededFromSites(request.statistics);
    const analysisId = `an-${randomUUID()}`;
    const log = this.logger.child({ analysisId, requester });

    const size = { 'phdmf.datasets': request.datasets.length };
    // A subset or stratum reads columns too: checked against the on-chain schemas, and the grants must cover them.
    const subset = request.filter !== undefined || request.stratum !== undefined ? await this.subsetColumns(request) : [];
    const read = [...request.columns, ...subset.filter((c) => !request.columns.includes(c))];
    const cleared = await inSpan(UseCaseSpan.AnalysisGrantCheck, SpanKind.INTERNAL, size, () =>
      Promise.all(request.datasets.map((datasetId) => this.gate.clear(datasetId, requester, read, siteStatistics))),
    );
    if (subset.length > 0 && cleared.some((d) => d.privacyMode === 'dp')) {
      throw new PhdmfError(ModellingErrorCode.DP_UNSUPPORTED, 'a subset or stratum releases exact numbers about the records it selects: not under a dp grant');
    }
    // dp grants: the cost is reserved on-chain before any site is asked (BUDGET.EXHAUSTED stops here).
    const dp = await inSpan(UseCaseSpan.AnalysisBudgetReservation, SpanKind.INTERNAL, size, () => this.budget.reserve(analysisId, requester, cleared, request, siteStatistics, p.rho));

    const started = performance.now();
    const outcomes = await inSpan(UseCaseSpan.AnalysisSiteSummaries, SpanKind.INTERNAL, size, () =>
      Promise.all(cleared.map((dataset) => this.ask(dataset, analysisId, requester, request, siteStatistics, who, dp?.reservationTxId))),
    );
    log.info({ datasets: cleared.length, millis: Math.round(performance.now() - started) }, 'site summaries in');
    if (dp !== undefined && outcomes.every((o) => 'failure' in o && !mayHaveComputed(o.failure))) {
      // Every site refused before computing: nothing was released, so nothing is spent.
      await this.budget.release(analysisId, 'every site refused the summary before computing');
    }

    const forged = outcomes.find((o): o is Extract<SiteOutcome, { failure: PhdmfError }> => 'failure' in o && isVerificationFailure(o.failure));
    if (forged) throw forged.failure;
    const failures = outcomes.filter((o): o is Extract<SiteOutcome, { failure: PhdmfError }> => 'failure' in o);
    if (failures.length > 0 && (!request.allowPartial || failures.length === outcomes.length)) throw combined(failures.map((f) => f.failure));

    const datasets: AnalysisDataset[] = outcomes.map((o) => ({
      datasetId: o.dataset.datasetId,
      nodeId: o.dataset.nodeId,
      ownerMemberId: o.dataset.ownerMemberId,
      sha256: o.dataset.sha256,
      datasetVersion: o.dataset.datasetVersion,
      grantRequestId: o.dataset.grantRequestId,
      ...('summary' in o
        ? { status: 'used' as const, computeMillis: o.summary.body.computeMillis }
        : { status: 'failed' as const, error: { code: o.failure.code, message: o.failure.message } }),
    }));
    const summaries = outcomes.flatMap((o) => ('summary' in o ? [o.summary] : []));
    const released = inSpanSync(UseCaseSpan.AnalysisPooling, size, () => buildResult({
      analysisId,
      requester,
      request,
      siteStatistics,
      poolMinCount: this.config.POOL_MIN_COUNT,
      datasets,
      summaries,
      createdAt: new Date(),
      ...(dp ? { dp: { rho: dp.rho, reservationTxId: dp.reservationTxId } } : {}),
    }));
    const resultHash = resultHashOf(released);

    const used = outcomes.flatMap((o) => ('summary' in o ? [o.dataset] : []));
    const committed = await inSpan(UseCaseSpan.AnalysisRecord, SpanKind.INTERNAL, {}, () => this.records.record(
      {
        analysisId,
        requester,
        grants: used.map((d) => ({ requestId: d.grantRequestId, datasetId: d.datasetId, sha256: d.sha256 })),
        statistics: siteStatistics,
        columns: read,
        resultHash,
        ...(dp ? { reservationTxId: dp.reservationTxId } : {}),
      },
      log,
    ));
    const result: AnalysisResult = { ...released, resultHash, txId: committed.txId, blockNumber: committed.blockNumber };
    await this.records.store(result);
    log.info({ status: result.status, txId: result.txId, blockNumber: result.blockNumber }, 'analysis recorded');
    return result;
  }

  /** The columns a subset and stratum read, checked against every dataset's on-chain schema. */
  private async subsetColumns(request: AnalysisRequestView): Promise<string[]> {
    const onChain = await Promise.all(request.datasets.map((datasetId) => this.ledger.getDataset(datasetId)));
    return subsetColumns(request, onChain.map((d) => ({ datasetId: d.datasetId, schema: { columns: d.columns ?? [], columnTypes: d.columnTypes ?? [] }, grids: d.columnGrids ?? [] })));
  }

  private async ask(
    dataset: ClearedDataset,
    analysisId: string,
    requester: string,
    request: ReturnType<typeof checkAnalysisRequest>,
    statistics: LedgerStatistic[],
    researcher: ActingUser,
    reservationTxId: string | undefined,
  ): Promise<SiteOutcome> {
    const payload: StorageSummarize.Payload = {
      analysisId,
      datasetId: dataset.datasetId,
      requester,
      columns: request.columns,
      statistics,
      ...(request.probabilities ? { probabilities: request.probabilities } : {}),
      ...(request.histograms ? { histograms: request.histograms } : {}),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.stratum ? { stratum: request.stratum } : {}),
      ...(reservationTxId !== undefined ? { reservationTxId } : {}),
    };
    let answer: unknown;
    try {
      answer = await this.sites.summarize(dataset.nodeId, payload, { userId: researcher.userId, roles: [...researcher.roles], ...(researcher.organisationId ? { organisationId: researcher.organisationId } : {}) }, this.config.SITE_TIMEOUT_MS);
    } catch (error) {
      return { dataset, failure: siteFailure(dataset, error, request.filter !== undefined || request.stratum !== undefined) };
    }
    const verdict = inSpanSync(UseCaseSpan.AnalysisVerification, {}, () => checkSiteSummary(answer, {
      analysisId,
      datasetId: dataset.datasetId,
      requester,
      grantRequestId: dataset.grantRequestId,
      sha256: dataset.sha256,
      datasetVersion: dataset.datasetVersion,
      nodeId: dataset.nodeId,
      ownerMemberId: dataset.ownerMemberId,
      columns: request.columns,
      // The site rounds the asked edges out to the owner's grid, as the chain holds it; no grid, no histogram.
      histograms: new Map(
        (request.histograms ?? []).flatMap((h) => {
          const grid = dataset.columnGrids.find((g) => g.column === h.column);
          return grid === undefined ? [] : [[h.column, edgesOnGrid(h.edges, grid)] as const];
        }),
      ),
      publicKeyPem: dataset.publicKeyPem,
      ...(request.stratum ? { stratum: request.stratum.column } : {}),
      ...(reservationTxId !== undefined ? { reservationTxId } : {}),
    }));
    if (!verdict.ok) {
      this.logger.error({ analysisId, nodeId: dataset.nodeId, datasetId: dataset.datasetId, code: verdict.code, reason: verdict.reason }, 'storage node answer rejected');
      return { dataset, failure: new PhdmfError(verdict.code, verdict.reason, { nodeId: dataset.nodeId, datasetId: dataset.datasetId }) };
    }
    return { dataset, summary: { nodeId: dataset.nodeId, datasetId: dataset.datasetId, body: verdict.body } };
  }
}

/**
 * Whether a failed site may still have computed (and so spent budget): it timed out (it may have
 * computed after the deadline) or it answered (a summary that failed verification). Refusals and an
 * unreachable site computed nothing.
 */
function mayHaveComputed(e: PhdmfError): boolean {
  return e.code === AggregationErrorCode.SITE_TIMEOUT || isVerificationFailure(e) || e.code === AggregationErrorCode.SITE_POLICY_BELOW_FLOOR;
}

function isVerificationFailure(e: PhdmfError): boolean {
  return e.code === AggregationErrorCode.SITE_SIGNATURE_INVALID || e.code === AggregationErrorCode.SITE_RESPONSE_MISMATCH;
}

/**
 * A node's failure, named: which node, which dataset, and the node's (or the transport's) code, with
 * the line the node reported, if any. Never the node's own message: it is relayed to the researcher
 * (and kept in `datasets[].error`), and a site's text may quote a row of the file (DuckDB does), a
 * path or an engine's words. The code and line are all a researcher needs; the site's log has the rest.
 * A summary within a subset or stratum is refused as the models are (site-refusal.ts): the rule's own
 * code, the site named; any other summary's refusal keeps the code `ANALYSIS.SITE_FAILED`, its `cause`.
 */
function siteFailure(dataset: ClearedDataset, error: unknown, subsetted: boolean): PhdmfError {
  const refusal = subsetted ? modellingRefusal(dataset, 'summary', error) : undefined;
  if (refusal !== undefined) return refusal;
  const at = `node "${dataset.nodeId}" (dataset "${dataset.datasetId}")`;
  const code = error instanceof PhdmfError ? error.code : CommonErrorCode.INTERNAL;
  const line = error instanceof PhdmfError ? error.details?.line : undefined;
  const details = { nodeId: dataset.nodeId, datasetId: dataset.datasetId, cause: code, ...(typeof line === 'number' && Number.isSafeInteger(line) ? { line } : {}) };
  if (code === CommonErrorCode.TIMEOUT) return new PhdmfError(AggregationErrorCode.SITE_TIMEOUT, `${at} did not answer in time`, details);
  if (code === CommonErrorCode.NO_RESPONDERS) {
    return new PhdmfError(AggregationErrorCode.SITE_UNREACHABLE, `${at} is not reachable: no storage service answers on its subject`, details);
  }
  return new PhdmfError(AggregationErrorCode.SITE_FAILED, `${at} failed its summary with ${code}${'line' in details ? ` at line ${details.line}` : ''}`, details);
}

/** One error for several failed nodes: the first one's code, every node named. */
function combined(failures: PhdmfError[]): PhdmfError {
  const first = failures[0];
  if (first === undefined) throw new Error('no failures to combine');
  if (failures.length === 1) return first;
  return new PhdmfError(first.code, failures.map((f) => f.message).join('; '), {
    failures: failures.map((f) => ({ code: f.code, message: f.message, ...(f.details ?? {}) })),
  });
}
