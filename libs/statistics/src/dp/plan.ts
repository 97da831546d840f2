// What a dp-mode analysis releases, and what each part costs. The aggregation service reserves the
// plan's total on the ledger and each site recomputes the plan from the reservation to check that
// what it is asked to compute is exactly what was paid for: one function, so the two cannot differ.
import type { LedgerStatistic } from '@phdmf/contracts';

/** A noisy quantity a site releases for a column in dp mode. */
export type DpQuantity = 'count' | 'missing' | 'sum' | 'sumSquares' | 'histogram';

/** The order of quantities within a column (the plan's order is columns as asked, then this). */
export const DP_QUANTITIES: readonly DpQuantity[] = ['count', 'missing', 'sum', 'sumSquares', 'histogram'];

/** Which noisy quantities each statistic is derived from (min and max have none: refused). */
export const DP_QUANTITIES_OF: Readonly<Record<LedgerStatistic, readonly DpQuantity[]>> = {
  count: ['count'],
  missing: ['missing'],
  // Sums travel centred on the grid's midpoint (smaller sensitivity); the count puts the centre back.
  sum: ['count', 'sum'],
  mean: ['count', 'sum'],
  variance: ['count', 'sum', 'sumSquares'],
  sd: ['count', 'sum', 'sumSquares'],
  quantiles: ['histogram'],
  histogram: ['histogram'],
  min: [],
  max: [],
  // The models release exact numbers only (a site refuses them under a dp grant: MODEL.DP_UNSUPPORTED).
  table: [],
  correlation: [],
  glm: [],
};

/** One planned noisy release: a quantity of a column and the ρ it spends. */
export interface DpPlanItem {
  column: string;
  quantity: DpQuantity;
  rho: number;
}

/** Codes of refusals of a dp plan (the caller maps them to its error code). */
export const DpRefusalCode = {
  /** A statistic with no differentially private release here (min, max: an extreme is one record). */
  STATISTIC_UNAVAILABLE: 'DP.STATISTIC_UNAVAILABLE',
  /** ρ is not a positive finite number, or nothing is asked. */
  INVALID_PLAN: 'DP.INVALID_PLAN',
} as const;
export type DpRefusalCode = (typeof DpRefusalCode)[keyof typeof DpRefusalCode];

/** Why a plan is refused. */
export interface DpRefusal {
  code: DpRefusalCode;
  reason: string;
  /** The statistics concerned (for STATISTIC_UNAVAILABLE). */
  statistics?: LedgerStatistic[];
}

/** What an analysis asks, in dp mode. */
export interface DpPlanRequest {
  columns: readonly string[];
  statistics: readonly LedgerStatistic[];
  /** Columns with a histogram request (as in SummaryOptions.histograms); used with the `histogram` statistic. */
  histograms?: readonly { column: string }[];
  /** The analysis' whole ρ, split over the plan's items. */
  rho: number;
}

/** A plan, or why there is none. */
export type DpPlanResult = { ok: true; rho: number; items: DpPlanItem[] } | { ok: false; refusal: DpRefusal };

/**
 * The noisy quantities of an analysis and their ρ, which add up to `rho` (to floating-point
 * rounding: each is rho/n). ρ is split equally over the items: the split is a choice of accuracy,
 * not of privacy, and an equal split is one anybody can recompute. Histograms are planned for the
 * columns named in `histograms` (with `histogram`) and for every column (with `quantiles`, which
 * are read off the histogram). Deterministic: the same request gives the same list in the same order.
 */
export function planDpRelease(request: DpPlanRequest): DpPlanResult {
  const { rho } = request;
  if (!(Number.isFinite(rho) && rho > 0)) return { ok: false, refusal: { code: DpRefusalCode.INVALID_PLAN, reason: `ρ must be a positive number, got ${rho}` } };
  const unavailable = request.statistics.filter((s) => DP_QUANTITIES_OF[s].length === 0);
  if (unavailable.length > 0) {
    return {
      ok: false,
      refusal: {
        code: DpRefusalCode.STATISTIC_UNAVAILABLE,
        reason: `${unavailable.join(', ')} cannot be released under differential privacy (an extreme value is one record's)`,
        statistics: [...new Set(unavailable)],
      },
    };
  }
  const histogramColumns = new Set((request.histograms ?? []).map((h) => h.column));
  const wanted: { column: string; quantity: DpQuantity }[] = [];
  for (const column of [...new Set(request.columns)]) {
    const quantities = new Set<DpQuantity>();
    for (const s of request.statistics) {
      if (s === 'histogram' && !histogramColumns.has(column)) continue;
      for (const q of DP_QUANTITIES_OF[s]) quantities.add(q);
    }
    for (const q of DP_QUANTITIES) if (quantities.has(q)) wanted.push({ column, quantity: q });
  }
  if (wanted.length === 0) return { ok: false, refusal: { code: DpRefusalCode.INVALID_PLAN, reason: 'the analysis asks for nothing to release' } };
  const each = rho / wanted.length;
  return { ok: true, rho, items: wanted.map((w) => ({ ...w, rho: each })) };
}

/** A column's part of a plan, as a site's noisyColumnSummary takes it. */
export function plannedFor(items: readonly DpPlanItem[], column: string): { quantity: DpQuantity; rho: number }[] {
  return items.filter((i) => i.column === column).map(({ quantity, rho }) => ({ quantity, rho }));
}
