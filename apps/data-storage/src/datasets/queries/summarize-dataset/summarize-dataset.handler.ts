import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson, PhdmfError, StorageErrorCode, type LedgerStatistic, StorageSummarize } from '@phdmf/contracts';
import { countWithheld, inSpanSync, UseCaseSpan } from '@phdmf/observability';
import { Correlation, type Logger } from '@phdmf/logging';
import { refuseIfLate, type ActorHeader } from '@phdmf/messaging';
import { columnType, parseStratum, type SqlCondition } from '@phdmf/modelling';
import { edgesOnGrid, noisyColumnSummary } from '@phdmf/statistics';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import { checkRequester, DatasetGate, signedHead, type GatedDataset } from '../../application/dataset-gate';
import { bothConditions, countSubset, dpUnsupported, gridsOf, modellingSchema, parseSubset, releasableStrata } from '../../application/subsets';
import { applyDisclosure, type RawColumnStats } from '../../domain/disclosure-policy';
import { plansFromReservation, refuseDpRequest, type DpColumnPlan } from '../../domain/dp-reservation';
import type { KeyedNoise } from '../../domain/keyed-noise';
import { SummaryEngine, type SummarySpec } from '../../infrastructure/engine/summary-engine';
import { LedgerClient } from '../../infrastructure/ledger/ledger-client';
import type { NodeSigner } from '../../infrastructure/signing/node-signer';
import { NODE_SIGNER, DISCLOSURE_NOISE, STORAGE_LOGGER, SUMMARY_ENGINE } from '../../storage.tokens';

const MOMENTS: readonly LedgerStatistic[] = ['sum', 'mean', 'variance', 'sd'];

/**
 * Answers a summary request as it arrived on the node's subject, with the acting user of its
 * headers — the node's own gate, whoever sent it. In order: the request is consistent; the
 * dataset is here, released and not marked tampered; the ledger says a grant of
 * this requester covering these columns and statistics is in force, and gives the on-chain hash;
 * the file is re-hashed against that hash (while DuckDB computes, so the check costs no extra
 * wall time; the numbers are thrown away if the hash differs); disclosure control; signature.
 * (The dataset, grant and re-hash steps are the node's DatasetGate, shared with the modelling
 * operations.) With a subset (issue 16), nothing is computed over it before it and its complement
 * reach the minimum count; with a stratum, each releasable level gets the statistics too.
 */
@Injectable()
export class SummarizeDatasetHandler {
  constructor(
    private readonly gate: DatasetGate,
    private readonly ledger: LedgerClient,
    @Inject(SUMMARY_ENGINE) private readonly engine: SummaryEngine,
    @Inject(NODE_SIGNER) private readonly signer: NodeSigner,
    @Inject(DISCLOSURE_NOISE) private readonly noise: KeyedNoise,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async execute(request: StorageSummarize.Payload, actor: ActorHeader | undefined): Promise<StorageSummarize.Result> {
    const started = performance.now();
    checkRequest(request, actor);
    const deadline = Correlation.current()?.deadline;
    refuseIfLate(SUMMARY, deadline);
    const dataset = await this.gate.local(request.datasetId);
    const { schema, indexOf } = dataset;
    const unknown = request.columns.filter((c) => !indexOf.has(c));
    if (unknown.length > 0) {
      throw new PhdmfError(StorageErrorCode.COLUMN_UNKNOWN, `dataset "${dataset.id}" has no column ${unknown.map((c) => `"${c}"`).join(', ')}`);
    }

    // A subset and a stratum are checked against the schema first; the grant must cover what they read too.
    const named = modellingSchema(schema);
    const subset = parseSubset(request.filter, named);
    if (request.stratum !== undefined) columnType(named, request.stratum.column, '$.stratum.column');
    const columnsRead = [...new Set([...request.columns, ...(subset?.columns ?? []), ...(request.stratum === undefined ? [] : [request.stratum.column])])];

    // A dp request's reservation is read alongside the grant (one round trip less); used only if the grant is dp.
    const reservationRead =
      request.reservationTxId === undefined ? undefined : this.ledger.getReservation(request.analysisId).then((r) => ({ ok: true as const, r }), (error: unknown) => ({ ok: false as const, error }));
    const gated = await this.gate.checkLedger(dataset, { requester: request.requester, columns: columnsRead, statistics: request.statistics });
    const { grant: accessGrant, onChain } = gated;

    const columnIndexes = request.columns.map((c) => indexOf.get(c) ?? -1);
    const asked = request.statistics;
    // Histograms only on the grid the owner declared on-chain: requested edges are rounded out to it,
    // and a column without a declaration gets none (DISCLOSURE.NO_GRID).
    const grids = new Map((onChain.columnGrids ?? []).map((g) => [g.column, g] as const));
    if (accessGrant.grant?.privacyMode === 'dp') {
      if (subset !== undefined || request.stratum !== undefined) throw dpUnsupported();
      // dp: only for the committed reservation that paid for exactly this; noise, never exact numbers.
      refuseDpRequest(request);
      const read = await (reservationRead ?? this.ledger.getReservation(request.analysisId).then((r) => ({ ok: true as const, r })));
      if (!read.ok) throw read.error;
      const reservation = read.r;
      const plans = plansFromReservation(request, reservation, { requestId: accessGrant.requestId, datasetId: dataset.id, datasetVersion: dataset.version, grids });
      return this.summarizeDp(request, plans, gated, deadline, started);
    }
    const onGrid = (asked.includes('histogram') ? (request.histograms ?? []) : []).flatMap((h) => {
      const grid = grids.get(h.column);
      return grid === undefined ? [] : [{ column: h.column, edges: edgesOnGrid(h.edges, grid) }];
    });
    const stratum = request.stratum === undefined ? undefined : parseStratum(request.stratum, named, gridsOf(onChain));
    const threshold = this.settings.disclosure.minCount;
    const file = this.gate.fileOf(dataset);
    const from = SummaryEngine.namedSource(file, schema, dataset.format);
    const run = (query: SqlCondition) => this.engine.rows(query);
    const spec = (where: SqlCondition | undefined): SummarySpec => ({
      file,
      format: dataset.format,
      schema,
      columns: columnIndexes,
      moments: asked.some((s) => MOMENTS.includes(s)),
      minMax: asked.includes('min') || asked.includes('max'),
      probabilities: asked.includes('quantiles') ? (request.probabilities ?? []) : [],
      histograms: new Map(onGrid.map((h) => [indexOf.get(h.column) ?? -1, h.edges] as const)),
      ...(where === undefined ? {} : { where }),
    });
    const computed = await this.gate.computeChecked(
      gated,
      async () => {
        // The subset's rules before any number over it; then each releasable level's (its own and its complement's).
        const counted = subset === undefined ? undefined : await countSubset(run, from, subset, threshold, this.settings.nodeId);
        const whole = await this.engine.summarize(spec(subset?.condition));
        const levels = stratum === undefined ? [] : await releasableStrata(run, named, from, stratum, subset, threshold);
        const strata = [];
        for (const level of levels) strata.push({ level: level.level, values: await this.engine.summarize(spec(bothConditions(subset?.condition, level.condition))) });
        return { rowCount: counted?.rowCount ?? whole.rowCount, subsetCount: counted?.subsetCount, whole, strata };
      },
      // Waiting in the queue may have outlasted the caller: its summary is cancelled, not computed.
      () => {
        refuseIfLate(SUMMARY, deadline);
      },
    );

    const policy = this.settings.disclosure;
    // Each column's numbers under the disclosure policy; min/max noise keyed by the records they are about.
    const released = (columns: RawColumnStats[], scope: string | undefined) =>
      inSpanSync(UseCaseSpan.SiteDisclosure, { 'phdmf.privacy.mode': 'controlled' }, () =>
        columns.map((raw) =>
          applyDisclosure(policy, grids.has(raw.name) ? raw : { ...raw, gridless: true }, asked, (statistic) =>
            this.noise.uniform({ datasetId: dataset.id, datasetVersion: dataset.version, grantRequestId: accessGrant.requestId, column: raw.name, statistic, ...(scope === undefined ? {} : { subset: scope }) }),
          ),
        ),
      );
    const subsetScope = subset === undefined ? undefined : canonicalJson(subset.filter);
    const body: StorageSummarize.SummaryBody = {
      ...signedHead(this.settings, request, dataset, accessGrant.requestId, computed.rowCount),
      ...(computed.subsetCount === undefined ? {} : { subsetCount: computed.subsetCount }),
      columns: released(computed.whole.columns, subsetScope),
      ...(stratum === undefined
        ? {}
        : {
            strata: {
              column: stratum.column,
              levels: computed.strata.map(({ level, values }) => ({
                level,
                rowCount: values.rowCount,
                columns: released(values.columns, canonicalJson({ subset: subset?.filter ?? null, stratum: stratum.column, level })),
              })),
            },
          }),
    };
    // Measured last, so that it covers everything but the signature itself.
    body.computeMillis = Math.round((performance.now() - started) * 1000) / 1000;
    countWithheld([...body.columns, ...(body.strata?.levels.flatMap((l) => l.columns) ?? [])]);
    this.log.info({ datasetId: dataset.id, analysisId: request.analysisId, requester: request.requester, columns: request.columns.length, subset: subset !== undefined, levels: body.strata?.levels.length }, 'summary released');
    return { body, signature: this.signer.sign(body) };
  }

  /**
   * A dp summary: the clamped, discretised aggregates from DuckDB (the file re-hashed meanwhile, as
   * for every summary), then fresh discrete Gaussian noise per planned quantity from node:crypto. The
   * signed body names the reservation; no exact number (not even the row count) leaves the site.
   */
  private async summarizeDp(request: StorageSummarize.Payload, plans: DpColumnPlan[], dataset: GatedDataset, deadline: number | undefined, started: number): Promise<StorageSummarize.Result> {
    const aggregates = await this.gate.computeChecked(
      dataset,
      () =>
        this.engine.dpAggregates({
          file: this.gate.fileOf(dataset),
          format: dataset.format,
          schema: dataset.schema,
          columns: plans.map((p) => ({ index: dataset.indexOf.get(p.column) ?? -1, grid: p.grid })),
        }),
      () => {
        refuseIfLate(SUMMARY, deadline);
      },
    );
    const body: StorageSummarize.SummaryBody = {
      // The exact row count is not released in dp mode; the noisy count is in the columns.
      ...signedHead(this.settings, request, dataset, dataset.grant.requestId, 0),
      privacy: { mode: 'dp', reservationTxId: request.reservationTxId ?? '' },
      columns: inSpanSync(UseCaseSpan.SiteDisclosure, { 'phdmf.privacy.mode': 'dp' }, () =>
        plans.map((plan, i) => {
          const data = aggregates[i];
          if (data === undefined) throw new Error(`no dp aggregates for column ${plan.column}`);
          const type = dataset.schema[dataset.indexOf.get(plan.column) ?? -1]?.type ?? 'numeric';
          return { name: plan.column, type, noisy: noisyColumnSummary({ grid: plan.grid, data, planned: plan.planned }) };
        }),
      ),
    };
    body.computeMillis = Math.round((performance.now() - started) * 1000) / 1000;
    this.log.info({ datasetId: dataset.id, analysisId: request.analysisId, requester: request.requester, columns: request.columns.length, reservationTxId: request.reservationTxId }, 'dp summary released');
    return { body, signature: this.signer.sign(body) };
  }
}

/** What a late caller's refusal (MESSAGING.DEADLINE_EXCEEDED, from refuseIfLate) says was not done. */
const SUMMARY = 'the summary was computed';

function invalid(message: string): PhdmfError {
  return new PhdmfError(StorageErrorCode.REQUEST_INVALID, message);
}

function checkRequest(request: StorageSummarize.Payload, actor: ActorHeader | undefined): void {
  checkRequester(request.requester, actor);
  const problem = StorageSummarize.summaryRequestProblem(request);
  if (problem !== undefined) throw invalid(problem);
}
