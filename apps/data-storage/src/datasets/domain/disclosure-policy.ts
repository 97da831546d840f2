// Statistical disclosure control: what a node releases of a column, after DataSHIELD's defaults.
// Every number leaves the node through applyDisclosure, so a threshold cannot be forgotten by one
// code path. A site can tighten the defaults (config), never loosen them below the consortium's floor.
import type { LedgerStatistic, StorageSummarize } from '@phdmf/contracts';
import { suppressHistogram } from '@phdmf/statistics';
import type { ColumnType } from './csv-inspector';

/** A node's disclosure policy. */
export interface DisclosurePolicy {
  /** No number rests on fewer records than this (DataSHIELD's nfilter.tab: 3). */
  minCount: number;
  /** Release min and max exactly; otherwise they are moved outwards by a random amount. */
  exactMinMax: boolean;
  /** Quantile probabilities allowed, inclusive (DataSHIELD's quantileMean: 5%–95%). */
  quantileLow: number;
  quantileHigh: number;
  /** Most bins a histogram may have. */
  maxHistogramBins: number;
  /** Perturbation of min/max as a fraction of the column's range. */
  minMaxNoise: number;
}

/** The consortium's floor: a site may only be stricter. */
export const DEFAULT_DISCLOSURE_POLICY: Readonly<DisclosurePolicy> = Object.freeze({
  minCount: 3,
  exactMinMax: false,
  quantileLow: 0.05,
  quantileHigh: 0.95,
  maxHistogramBins: 100,
  minMaxNoise: 0.05,
});

/** What the engine computed for one column, before any disclosure control. Never leaves the node. */
export interface RawColumnStats {
  name: string;
  type: ColumnType;
  count: number;
  missing: number;
  sum?: number;
  mean?: number;
  variance?: number;
  min?: number;
  max?: number;
  quantiles?: { p: number; value: number }[];
  histogram?: { edges: number[]; counts: number[]; below: number; above: number };
}

export const DisclosureCode = {
  BELOW_THRESHOLD: 'DISCLOSURE.BELOW_THRESHOLD',
  NOT_NUMERIC: 'DISCLOSURE.NOT_NUMERIC',
  QUANTILE_OUTSIDE_BAND: 'DISCLOSURE.QUANTILE_OUTSIDE_BAND',
  TOO_MANY_BINS: 'DISCLOSURE.TOO_MANY_BINS',
  NOT_REQUESTED: 'DISCLOSURE.NOT_REQUESTED',
} as const;

const NUMERIC_ONLY: readonly LedgerStatistic[] = ['sum', 'mean', 'variance', 'sd', 'min', 'max', 'quantiles', 'histogram'];

/**
 * The releasable summary of one column. `random` returns values in [0, 1) (crypto-backed in the
 * service, seeded in tests). Only the statistics asked for appear.
 */
export function applyDisclosure(
  policy: DisclosurePolicy,
  raw: RawColumnStats,
  asked: readonly LedgerStatistic[],
  random: () => number,
): StorageSummarize.ColumnSummary {
  const out: StorageSummarize.ColumnSummary = { name: raw.name, type: raw.type };
  if (raw.count < policy.minCount) {
    // The whole column goes: releasing even its missing count would give away the count
    // (the row count is public on the ledger).
    out.suppressed = {
      code: DisclosureCode.BELOW_THRESHOLD,
      reason: `the column has fewer than ${policy.minCount} non-missing values`,
    };
    return out;
  }
  const withheld: Record<string, StorageSummarize.Withheld> = {};
  const has = (s: LedgerStatistic) => asked.includes(s);
  if (has('count')) out.count = raw.count;
  if (has('missing')) out.missing = raw.missing;
  if (raw.type !== 'numeric') {
    for (const s of NUMERIC_ONLY) {
      if (has(s)) withheld[s] = { code: DisclosureCode.NOT_NUMERIC, reason: `${raw.type} column: ${s} is defined for numeric columns only` };
    }
  } else {
    if (has('sum') && raw.sum !== undefined) out.sum = raw.sum;
    if (has('mean') && raw.mean !== undefined) out.mean = raw.mean;
    if ((has('variance') || has('sd')) && raw.variance !== undefined) {
      // m2 is what pools exactly (with count and mean); variance and sd are for a single site.
      out.m2 = raw.variance * (raw.count - 1);
      if (has('variance')) out.variance = raw.variance;
      if (has('sd')) out.sd = Math.sqrt(raw.variance);
    }
    if ((has('min') || has('max')) && raw.min !== undefined && raw.max !== undefined) {
      const [min, max] = policy.exactMinMax ? [raw.min, raw.max] : perturbOutwards(raw.min, raw.max, policy.minMaxNoise, random);
      if (has('min')) out.min = min;
      if (has('max')) out.max = max;
      out.minMaxExact = policy.exactMinMax;
    }
    if (has('quantiles')) releaseQuantiles(policy, raw, out, withheld);
    if (has('histogram')) releaseHistogram(policy, raw, out, withheld);
  }
  if (Object.keys(withheld).length > 0) out.withheld = withheld;
  return out;
}

/**
 * Moves min down and max up by between half and all of `noise` × range, so that the released
 * values are bounds (a pooled min over sites is still a valid lower bound) but no record's exact
 * value is given away.
 */
function perturbOutwards(min: number, max: number, noise: number, random: () => number): [number, number] {
  const scale = noise * (max > min ? max - min : Math.max(Math.abs(min), 1));
  return [min - scale * (0.5 + 0.5 * random()), max + scale * (0.5 + 0.5 * random())];
}

function releaseQuantiles(policy: DisclosurePolicy, raw: RawColumnStats, out: StorageSummarize.ColumnSummary, withheld: Record<string, StorageSummarize.Withheld>): void {
  const all = raw.quantiles ?? [];
  const inside = all.filter((q) => q.p >= policy.quantileLow && q.p <= policy.quantileHigh);
  const outside = all.filter((q) => !inside.includes(q)).map((q) => q.p);
  if (inside.length > 0) out.quantiles = inside;
  if (outside.length > 0 || all.length === 0) {
    withheld.quantiles = {
      code: all.length === 0 ? DisclosureCode.NOT_REQUESTED : DisclosureCode.QUANTILE_OUTSIDE_BAND,
      reason:
        all.length === 0
          ? 'no quantile probabilities were given'
          : `probabilities ${outside.join(', ')} are outside the allowed band ${policy.quantileLow}–${policy.quantileHigh}`,
    };
  }
}

function releaseHistogram(policy: DisclosurePolicy, raw: RawColumnStats, out: StorageSummarize.ColumnSummary, withheld: Record<string, StorageSummarize.Withheld>): void {
  const h = raw.histogram;
  if (h === undefined) {
    withheld.histogram = { code: DisclosureCode.NOT_REQUESTED, reason: 'no bin edges were given for this column' };
    return;
  }
  if (h.counts.length > policy.maxHistogramBins) {
    withheld.histogram = { code: DisclosureCode.TOO_MANY_BINS, reason: `more than ${policy.maxHistogramBins} bins` };
    return;
  }
  // A small cell (1..minCount−1 records) is blanked, an empty one (0) is not; and since the count is
  // released, enough other cells are blanked with it that it cannot be recovered by subtraction.
  out.histogram = suppressHistogram(h, policy.minCount).histogram;
}
