// Statistical disclosure control: what a node releases of a column, after DataSHIELD's defaults.
// Every number leaves the node through applyDisclosure, so a threshold cannot be forgotten by one
// code path. A site can tighten the defaults (config), never loosen them below the consortium's floor.
import { StorageSummarize, type LedgerStatistic } from '@phdmf/contracts';
import { suppressHistogram } from '@phdmf/statistics';
import type { ColumnType } from './csv-schema';

/** A node's disclosure policy. */
export interface DisclosurePolicy {
  /** No number rests on fewer records than this (DataSHIELD's nfilter.tab: 3). */
  minCount: number;
  /** Release min and max exactly; otherwise they are moved outwards by keyed noise (see KeyedNoise). */
  exactMinMax: boolean;
  /** Quantile probabilities allowed, inclusive (DataSHIELD's quantileMean: 5%–95%). */
  quantileLow: number;
  quantileHigh: number;
  /** Most bins a histogram may have. */
  maxHistogramBins: number;
  /** Perturbation of min/max as a fraction of the column's range. */
  minMaxNoise: number;
}

const floor = StorageSummarize.DISCLOSURE_FLOOR;

/** The consortium's floor (published in the contracts): a site may only be stricter. */
export const DEFAULT_DISCLOSURE_POLICY: Readonly<DisclosurePolicy> = Object.freeze({
  minCount: floor.minCount,
  exactMinMax: floor.exactMinMax,
  quantileLow: floor.quantileBand[0],
  quantileHigh: floor.quantileBand[1],
  maxHistogramBins: floor.maxHistogramBins,
  minMaxNoise: floor.minMaxNoise,
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
  /** The owner declared no histogram grid for this column on-chain: no histogram of it is released. */
  gridless?: true;
}

export const DisclosureCode = {
  BELOW_THRESHOLD: 'DISCLOSURE.BELOW_THRESHOLD',
  NOT_NUMERIC: 'DISCLOSURE.NOT_NUMERIC',
  QUANTILE_OUTSIDE_BAND: 'DISCLOSURE.QUANTILE_OUTSIDE_BAND',
  QUANTILE_NOT_PUBLISHED: 'DISCLOSURE.QUANTILE_NOT_PUBLISHED',
  /** Fewer than the threshold's records between a quantile and its released neighbour (or the column's end). */
  QUANTILE_TOO_CLOSE: 'DISCLOSURE.QUANTILE_TOO_CLOSE',
  TOO_MANY_BINS: 'DISCLOSURE.TOO_MANY_BINS',
  /** The column has no declared histogram grid on-chain. */
  NO_GRID: 'DISCLOSURE.NO_GRID',
  NOT_REQUESTED: 'DISCLOSURE.NOT_REQUESTED',
} as const;

const NUMERIC_ONLY: readonly LedgerStatistic[] = ['sum', 'mean', 'variance', 'sd', 'min', 'max', 'quantiles', 'histogram'];

/**
 * The releasable summary of one column. `noise` returns a value in [0, 1) for a statistic of this
 * column, the same value whenever it is asked for the same one (KeyedNoise in the service), so
 * that repeating an analysis cannot average the noise away. Only the statistics asked for appear.
 */
export function applyDisclosure(
  policy: DisclosurePolicy,
  raw: RawColumnStats,
  asked: readonly LedgerStatistic[],
  noise: (statistic: LedgerStatistic) => number,
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
      const [min, max] = policy.exactMinMax ? [raw.min, raw.max] : perturbOutwards(raw.min, raw.max, policy.minMaxNoise, noise);
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
function perturbOutwards(min: number, max: number, fraction: number, noise: (statistic: LedgerStatistic) => number): [number, number] {
  const scale = fraction * (max > min ? max - min : Math.max(Math.abs(min), 1));
  return [min - scale * (0.5 + 0.5 * noise('min')), max + scale * (0.5 + 0.5 * noise('max'))];
}

/**
 * Quantiles at published probabilities inside the band, and only where they cannot be solved for
 * records: a quantile is a linear interpolation between the order statistics at ⌊(n−1)p⌋ and
 * ⌈(n−1)p⌉, so two quantiles over the same two records are two equations for them. Taken in
 * increasing order, one is released only if at least minCount records lie from the last released
 * one (or the column's start) up to it, and at least minCount from it to the column's end: no two
 * released quantiles then share a record, and none rests on the smallest or largest few.
 */
function releaseQuantiles(policy: DisclosurePolicy, raw: RawColumnStats, out: StorageSummarize.ColumnSummary, withheld: Record<string, StorageSummarize.Withheld>): void {
  const all = [...(raw.quantiles ?? [])].sort((a, b) => a.p - b.p);
  if (all.length === 0) {
    withheld.quantiles = { code: DisclosureCode.NOT_REQUESTED, reason: 'no quantile probabilities were given' };
    return;
  }
  const outside: number[] = [];
  const unpublished: number[] = [];
  const tooClose: number[] = [];
  const released: StorageSummarize.QuantileValue[] = [];
  const last = raw.count - 1;
  let previous = -1; // the order statistic below the first record
  for (const q of all) {
    if (q.p < policy.quantileLow || q.p > policy.quantileHigh) outside.push(q.p);
    else if (!StorageSummarize.PUBLISHED_PROBABILITIES.includes(q.p)) unpublished.push(q.p);
    else {
      const position = last * q.p;
      if (Math.floor(position) - previous < policy.minCount || last - Math.ceil(position) + 1 < policy.minCount) tooClose.push(q.p);
      else {
        released.push(q);
        previous = Math.floor(position);
      }
    }
  }
  if (released.length > 0) out.quantiles = released;
  // One code per statistic: the first rule that withheld something, in the order they apply.
  if (outside.length > 0) {
    withheld.quantiles = { code: DisclosureCode.QUANTILE_OUTSIDE_BAND, reason: `probabilities ${outside.join(', ')} are outside the allowed band ${policy.quantileLow}–${policy.quantileHigh}` };
  } else if (unpublished.length > 0) {
    withheld.quantiles = {
      code: DisclosureCode.QUANTILE_NOT_PUBLISHED,
      reason: `probabilities ${unpublished.join(', ')} are not among the published ones (${StorageSummarize.PUBLISHED_PROBABILITIES.join(', ')})`,
    };
  } else if (tooClose.length > 0) {
    withheld.quantiles = {
      code: DisclosureCode.QUANTILE_TOO_CLOSE,
      reason: `probabilities ${tooClose.join(', ')} would rest on fewer than ${policy.minCount} records of their own`,
    };
  }
}

function releaseHistogram(policy: DisclosurePolicy, raw: RawColumnStats, out: StorageSummarize.ColumnSummary, withheld: Record<string, StorageSummarize.Withheld>): void {
  const h = raw.histogram;
  if (raw.gridless === true) {
    withheld.histogram = { code: DisclosureCode.NO_GRID, reason: 'the owner declared no histogram grid for this column' };
    return;
  }
  if (h === undefined) {
    withheld.histogram = { code: DisclosureCode.NOT_REQUESTED, reason: 'no bin edges were given for this column' };
    return;
  }
  if (h.counts.length > policy.maxHistogramBins) {
    withheld.histogram = { code: DisclosureCode.TOO_MANY_BINS, reason: `more than ${policy.maxHistogramBins} bins` };
    return;
  }
  // The edges are on the owner's declared grid (the handler rounded them out), so any cell locates a
  // record no more finely than the owner agreed to. A small cell (1..minCount−1 records) is blanked,
  // an empty one (0) is not; and since the count is released, enough other cells are blanked with it
  // that it cannot be recovered by subtraction.
  out.histogram = suppressHistogram(h, policy.minCount).histogram;
}
