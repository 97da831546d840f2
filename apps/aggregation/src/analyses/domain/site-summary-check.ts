// What makes a storage node's summary acceptable: the signed head every answer needs
// (signed-answer.ts: the signature, this analysis, dataset, requester, grant, hash and version, the
// policy floor), then the columns asked in the order asked, with numbers of the right shape.
// Anything else fails the analysis.
import type { StorageSummarize } from '@phdmf/contracts';
import { checkSignedHead, isObject, mismatch as refuse, policyRefusal, type ExpectedHead } from './signed-answer';

/** What the answer of one node must say. */
export interface ExpectedSummary extends ExpectedHead {
  columns: readonly string[];
  /** Bin edges asked per column (histograms must come back over exactly these). */
  histograms: ReadonlyMap<string, readonly number[]>;
  /** dp mode: the reservation the signed summary must name (and every column must be noisy). */
  reservationTxId?: string;
  /** The stratum asked: the summary's `strata` must be of it, each level with exactly the columns asked. */
  stratum?: string;
}

export type SiteCheck = { ok: true; body: StorageSummarize.SummaryBody } | { ok: false; code: string; reason: string };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalNumber = (v: unknown) => v === undefined || isNumber(v);
const cell = (v: unknown) => v === null || (isNumber(v) && v >= 0);

function columnProblem(c: unknown, name: string, edges: readonly number[] | undefined): string | undefined {
  if (!isObject(c)) return `column "${name}" is not an object`;
  if (c.name !== name) return `columns come back as "${String(c.name)}" where "${name}" was asked`;
  if (c.suppressed !== undefined) return isObject(c.suppressed) && typeof c.suppressed.code === 'string' ? undefined : `column "${name}": malformed suppression`;
  for (const key of ['count', 'missing', 'sum', 'mean', 'variance', 'sd', 'm2', 'min', 'max'] as const) {
    if (!optionalNumber(c[key])) return `column "${name}": ${key} is not a finite number`;
  }
  for (const key of ['count', 'missing', 'm2'] as const) {
    const v = c[key];
    if (isNumber(v) && v < 0) return `column "${name}": ${key} is negative`;
  }
  if (c.minMaxExact !== undefined && typeof c.minMaxExact !== 'boolean') return `column "${name}": minMaxExact is not a boolean`;
  if (c.quantiles !== undefined && !(Array.isArray(c.quantiles) && c.quantiles.every((q) => isObject(q) && isNumber(q.p) && isNumber(q.value)))) {
    return `column "${name}": malformed quantiles`;
  }
  if (c.histogram !== undefined) {
    const h = c.histogram;
    if (!isObject(h) || !Array.isArray(h.edges) || !Array.isArray(h.counts) || !cell(h.below) || !cell(h.above) || !h.counts.every(cell)) return `column "${name}": malformed histogram`;
    if (edges === undefined || h.edges.length !== edges.length || h.edges.some((e, i) => e !== edges[i]) || h.counts.length !== edges.length - 1) {
      return `column "${name}": the histogram is not over the bin edges asked`;
    }
  }
  if (c.withheld !== undefined && !(isObject(c.withheld) && Object.values(c.withheld).every((w) => isObject(w) && typeof w.code === 'string' && typeof w.reason === 'string'))) {
    return `column "${name}": malformed withheld reasons`;
  }
  return undefined;
}

const noisyNumber = (v: unknown) => v === undefined || (isObject(v) && isNumber(v.value) && isNumber(v.sd) && v.sd > 0);

/** Why a dp column's noisy quantities are malformed (every number finite, every noise sd positive). */
function noisyProblem(n: unknown): string | undefined {
  if (!isObject(n) || !isObject(n.grid) || !isNumber(n.center) || !isNumber(n.resolution)) return 'no noisy quantities';
  if (!['count', 'missing', 'sum', 'sumSquares'].every((k) => noisyNumber(n[k]))) return 'a malformed noisy number';
  const h = n.histogram;
  if (h !== undefined && !(isObject(h) && Array.isArray(h.edges) && Array.isArray(h.counts) && h.counts.length === h.edges.length - 1 && h.counts.every(isNumber) && isNumber(h.sd))) {
    return 'a malformed noisy histogram';
  }
  return undefined;
}

/** Why a summary's strata are not those asked (the stratum's column, each level's columns as asked), or undefined. */
function stratumProblem(strata: unknown, expected: ExpectedSummary): string | undefined {
  if (expected.stratum === undefined) return strata === undefined ? undefined : 'the summary holds strata that were not asked';
  if (!isObject(strata) || strata.column !== expected.stratum || !Array.isArray(strata.levels)) return `the summary holds no strata of "${expected.stratum}"`;
  const seen = new Set<string>();
  for (const level of strata.levels as unknown[]) {
    if (!isObject(level) || typeof level.level !== 'string' || seen.has(level.level) || !isNumber(level.rowCount) || !Array.isArray(level.columns)) return 'a malformed stratum level';
    seen.add(level.level);
    if (level.columns.length !== expected.columns.length) return `level "${level.level}" does not hold exactly the columns asked`;
    for (let i = 0; i < expected.columns.length; i++) {
      const name = expected.columns[i] ?? '';
      const problem = columnProblem(level.columns[i], name, expected.histograms.get(name));
      if (problem !== undefined) return `level "${level.level}": ${problem}`;
    }
  }
  return undefined;
}

/** Checks one node's answer; the reason names the node and the dataset. */
export function checkSiteSummary(answer: unknown, expected: ExpectedSummary): SiteCheck {
  const head = checkSignedHead(answer, expected);
  if (!head.ok) return head;
  const body = head.body;
  const mismatch = (what: string): SiteCheck => refuse(expected, what);
  if (!Array.isArray(body.columns) || body.columns.length !== expected.columns.length) return mismatch('the signed summary does not hold exactly the columns asked');
  for (let i = 0; i < expected.columns.length; i++) {
    const name = expected.columns[i] ?? '';
    const problem = columnProblem(body.columns[i], name, expected.histograms.get(name));
    if (problem !== undefined) return mismatch(problem);
  }
  const strataProblem = stratumProblem(body.strata, expected);
  if (strataProblem !== undefined) return mismatch(strataProblem);
  if (body.subsetCount !== undefined && !(isNumber(body.subsetCount) && body.subsetCount >= 0)) return mismatch('subsetCount is not a count');
  const privacy = isObject(body.privacy) ? body.privacy : undefined;
  if (privacy?.reservationTxId !== expected.reservationTxId || (privacy !== undefined && privacy.mode !== 'dp')) {
    return mismatch(`the signed summary names reservation ${JSON.stringify(privacy?.reservationTxId)}, expected ${JSON.stringify(expected.reservationTxId)}`);
  }
  if (expected.reservationTxId !== undefined && !(body.columns as unknown[]).every((c) => isObject(c) && noisyProblem(c.noisy) === undefined)) {
    return mismatch('a column of the dp summary carries no well-formed noisy quantities');
  }
  if (!optionalNumber(body.computeMillis)) return mismatch('computeMillis is not a number');
  const looser = policyRefusal(body, expected);
  if (looser !== undefined) return looser;
  return { ok: true, body: body as unknown as StorageSummarize.SummaryBody };
}
