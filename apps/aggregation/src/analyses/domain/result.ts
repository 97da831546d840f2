// The released result of an analysis: the sites' verified summaries pooled column by column under
// the pool's disclosure threshold (libs/statistics), the per-site breakdown when asked, and the
// hash that the ledger records.
import { createHash } from 'node:crypto';
import { canonicalJson, type AnalysisColumn, type AnalysisStratumLevel, type AnalysisDataset, type AnalysisRequestView, type AnalysisResult, type AnalysisSite, type LedgerStatistic, type StorageSummarize } from '@phdmf/contracts';
import { poolColumn, type PoolRequest, type SitePart } from '@phdmf/statistics';
import { poolDpAnalysisColumn } from './dp-result';

/** One site's verified summary. */
export interface VerifiedSummary {
  nodeId: string;
  datasetId: string;
  body: StorageSummarize.SummaryBody;
}

/** The result before it is recorded: everything `resultHash` covers. */
export type ReleasedResult = Omit<AnalysisResult, 'resultHash' | 'txId' | 'blockNumber'>;

export interface ResultInput {
  analysisId: string;
  requester: string;
  request: AnalysisRequestView;
  siteStatistics: LedgerStatistic[];
  poolMinCount: number;
  datasets: AnalysisDataset[];
  summaries: readonly VerifiedSummary[];
  createdAt: Date;
  /** dp mode: the reservation that paid for the noise; columns are pooled from the noisy quantities. */
  dp?: { rho: number; reservationTxId: string };
}

function siteParts(summaries: readonly VerifiedSummary[], index: number): SitePart[] {
  return summaries.map((s) => {
    const column = s.body.columns[index];
    if (column === undefined) throw new Error(`summary of ${s.nodeId} lacks column ${index}`);
    return { site: s.nodeId, column };
  });
}

/** Pools the verified summaries into the released result (not yet hashed or recorded). */
export function buildResult(input: ResultInput): ReleasedResult {
  const pool: PoolRequest = {
    statistics: input.request.statistics,
    ...(input.request.probabilities ? { probabilities: input.request.probabilities } : {}),
    minCount: input.poolMinCount,
  };
  const poolOne = (name: string, parts: SitePart[]): AnalysisColumn =>
    input.dp === undefined ? poolColumn(name, parts, pool) : poolDpAnalysisColumn(name, parts.map((p) => p.column), pool);
  const columns: AnalysisColumn[] = input.request.columns.map((name, i) => poolOne(name, siteParts(input.summaries, i)));
  const sites: AnalysisSite[] | undefined = input.request.breakdown
    ? input.summaries.map((s) => ({
        nodeId: s.nodeId,
        datasetId: s.datasetId,
        // One site alone, under the pool's threshold: a site's cell below it is withheld here too.
        columns: input.request.columns.map((name, i) => poolOne(name, siteParts([s], i))),
      }))
    : undefined;
  const strata = input.request.stratum === undefined ? undefined : poolStrata(input.request.stratum.column, input.summaries, poolOne, input.request.columns);
  const failed = input.datasets.some((d) => d.status === 'failed');
  return {
    analysisId: input.analysisId,
    status: failed ? 'partial' : 'complete',
    requester: input.requester,
    request: input.request,
    siteStatistics: input.siteStatistics,
    poolMinCount: input.poolMinCount,
    datasets: input.datasets,
    columns,
    ...(sites ? { sites } : {}),
    ...(strata ? { strata } : {}),
    ...(input.dp ? { privacy: { mode: 'dp' as const, rho: input.dp.rho, reservationTxId: input.dp.reservationTxId } } : {}),
    createdAt: input.createdAt.toISOString(),
  };
}

/**
 * Each level of a stratum pooled over the sites that released it, under the pool's threshold, in
 * code-point order. A site leaves out a level it would isolate below its own threshold, so a level's
 * `sites` say whose records it holds.
 */
function poolStrata(
  column: string,
  summaries: readonly VerifiedSummary[],
  poolOne: (name: string, parts: SitePart[]) => AnalysisColumn,
  columns: readonly string[],
): { column: string; levels: AnalysisStratumLevel[] } {
  const names = [...new Set(summaries.flatMap((s) => s.body.strata?.levels.map((l) => l.level) ?? []))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const levels = names.map((level): AnalysisStratumLevel => {
    const at = summaries.flatMap((s) => {
      const found = s.body.strata?.levels.find((l) => l.level === level);
      return found === undefined ? [] : [{ site: s.nodeId, columns: found.columns }];
    });
    return {
      level,
      sites: at.map((a) => a.site),
      columns: columns.map((name, i) => poolOne(name, at.flatMap((a) => (a.columns[i] === undefined ? [] : [{ site: a.site, column: a.columns[i] }])))),
    };
  });
  return { column, levels };
}

/** Hex SHA-256 of the canonical JSON of a released result (a summary's or a model's): what the ledger records. */
export function resultHashOf(released: ReleasedResult | object): string {
  return createHash('sha256').update(canonicalJson(released), 'utf8').digest('hex');
}
