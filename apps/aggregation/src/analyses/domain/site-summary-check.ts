// What makes a storage node's answer acceptable: a signature that verifies with the node key
// registered on-chain, over a body that is the summary asked for — this analysis, this dataset,
// this requester, the grant the ledger found, the on-chain hash and version, the columns asked in
// the order asked — and numbers of the right shape. Anything else fails the analysis: an answer
// that does not verify is not evidence of anything, whoever sent it.
import { AggregationErrorCode, StorageSummarize, verifyNodeSignature, type NodeSignature } from '@phdmf/contracts';

/** What the answer of one node must say. */
export interface ExpectedSummary {
  analysisId: string;
  datasetId: string;
  requester: string;
  grantRequestId: string;
  sha256: string;
  datasetVersion: number;
  nodeId: string;
  ownerMemberId: string;
  columns: readonly string[];
  /** Bin edges asked per column (histograms must come back over exactly these). */
  histograms: ReadonlyMap<string, readonly number[]>;
  /** The node public key registered on-chain for the owner (SPKI PEM). */
  publicKeyPem: string;
  /** dp mode: the reservation the signed summary must name (and every column must be noisy). */
  reservationTxId?: string;
}

export type SiteCheck = { ok: true; body: StorageSummarize.SummaryBody } | { ok: false; code: string; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
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

/** Checks one node's answer; the reason names the node and the dataset. */
export function checkSiteSummary(answer: unknown, expected: ExpectedSummary): SiteCheck {
  const at = `node "${expected.nodeId}" (dataset "${expected.datasetId}")`;
  const mismatch = (what: string): SiteCheck => ({ ok: false, code: AggregationErrorCode.SITE_RESPONSE_MISMATCH, reason: `${at}: ${what}` });
  if (!isObject(answer) || !isObject(answer.body) || !isObject(answer.signature)) {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the answer is not a signed summary` };
  }
  const signature = answer.signature;
  if (typeof signature.algorithm !== 'string' || typeof signature.keyId !== 'string' || typeof signature.value !== 'string') {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the answer carries a malformed signature` };
  }
  let verified = false;
  try {
    verified = verifyNodeSignature(answer.body, signature as unknown as NodeSignature, expected.publicKeyPem);
  } catch {
    // A body canonical JSON cannot represent (a non-finite number) was not signed by anyone.
    verified = false;
  }
  if (!verified) {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the summary's signature does not verify with the node key registered on-chain` };
  }
  const body = answer.body;
  const fields: [string, unknown, unknown][] = [
    ['nodeId', body.nodeId, expected.nodeId],
    ['ownerMemberId', body.organisationId, expected.ownerMemberId],
    ['analysisId', body.analysisId, expected.analysisId],
    ['datasetId', body.datasetId, expected.datasetId],
    ['requester', body.requester, expected.requester],
    ['grantRequestId', body.grantRequestId, expected.grantRequestId],
    ['sha256', body.sha256, expected.sha256],
    ['datasetVersion', body.datasetVersion, expected.datasetVersion],
  ];
  for (const [name, got, want] of fields) {
    if (got !== want) return mismatch(`the signed summary names ${name} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (!Array.isArray(body.columns) || body.columns.length !== expected.columns.length) return mismatch('the signed summary does not hold exactly the columns asked');
  for (let i = 0; i < expected.columns.length; i++) {
    const name = expected.columns[i] ?? '';
    const problem = columnProblem(body.columns[i], name, expected.histograms.get(name));
    if (problem !== undefined) return mismatch(problem);
  }
  const privacy = isObject(body.privacy) ? body.privacy : undefined;
  if (privacy?.reservationTxId !== expected.reservationTxId || (privacy !== undefined && privacy.mode !== 'dp')) {
    return mismatch(`the signed summary names reservation ${JSON.stringify(privacy?.reservationTxId)}, expected ${JSON.stringify(expected.reservationTxId)}`);
  }
  if (expected.reservationTxId !== undefined && !(body.columns as unknown[]).every((c) => isObject(c) && noisyProblem(c.noisy) === undefined)) {
    return mismatch('a column of the dp summary carries no well-formed noisy quantities');
  }
  if (!optionalNumber(body.computeMillis)) return mismatch('computeMillis is not a number');
  // A site that loosened its policy (exact min/max, a lower threshold, …) releases what the
  // consortium promised would not be released: its numbers are not used.
  const policy = body.policy;
  if (!isObject(policy) || !Array.isArray(policy.quantileBand)) return mismatch('the signed summary carries no disclosure policy');
  const looser = StorageSummarize.policyBelowFloor(policy as unknown as StorageSummarize.DisclosurePolicyView);
  if (looser !== undefined) {
    return { ok: false, code: AggregationErrorCode.SITE_POLICY_BELOW_FLOOR, reason: `${at}: the summary was made under a disclosure policy looser than the consortium's floor (${looser})` };
  }
  return { ok: true, body: body as unknown as StorageSummarize.SummaryBody };
}
