// The aggregation service's own gate over its projection of committed ledger records: a dataset is
// admitted to an analysis only if it is active, its owner has a node on-chain, and the requester
// holds a committed grant, unrevoked and unexpired, covering every column and statistic asked.
// The same rules as the chaincode's (access:checkAccess), with the same codes, so that a refusal
// reads the same whichever of the two found it.
import { AggregationErrorCode, LedgerChaincodeErrorCode, type LedgerStatistic } from '@phdmf/contracts';
import type { ProjectedAccessRequest, ProjectedDataset, ProjectedMember } from './projection';

/** Why a dataset may not be used: a stable code and a sentence naming the dataset. */
export interface Refusal {
  code: string;
  reason: string;
}

/** What the projection holds about one dataset and one requester. */
export interface ProjectionView {
  datasetId: string;
  dataset: ProjectedDataset | null;
  owner: ProjectedMember | null;
  requests: readonly ProjectedAccessRequest[];
}

/** A dataset the projection admits: the grant found, and the node to ask. */
export interface Admitted {
  dataset: ProjectedDataset;
  grantRequestId: string;
  nodeId: string;
  publicKeyPem: string;
}

// When several requests are refused, report the one closest to being usable (as the chaincode does).
const PRECEDENCE: readonly string[] = [
  LedgerChaincodeErrorCode.AccessOutOfScope,
  LedgerChaincodeErrorCode.AccessExpired,
  LedgerChaincodeErrorCode.AccessRevoked,
  LedgerChaincodeErrorCode.AccessNotGranted,
];

function requestRefusal(r: ProjectedAccessRequest, nowMs: number, columns: readonly string[], statistics: readonly LedgerStatistic[]): Refusal | undefined {
  const on = `dataset "${r.datasetId}"`;
  if (r.status === 'revoked') return { code: LedgerChaincodeErrorCode.AccessRevoked, reason: `${on}: the grant of request "${r.requestId}" was revoked` };
  const scope = r.scope();
  if (r.status !== 'granted' || scope === undefined) {
    return { code: LedgerChaincodeErrorCode.AccessNotGranted, reason: `${on}: request "${r.requestId}" is ${r.status}, not granted` };
  }
  if (Date.parse(scope.expiresAt) <= nowMs) {
    return { code: LedgerChaincodeErrorCode.AccessExpired, reason: `${on}: the grant of request "${r.requestId}" expired at ${scope.expiresAt}` };
  }
  const columnsOut = columns.filter((c) => !scope.columns.includes(c));
  if (columnsOut.length > 0) {
    return { code: LedgerChaincodeErrorCode.AccessOutOfScope, reason: `${on}: the grant of request "${r.requestId}" does not cover columns ${columnsOut.join(', ')}` };
  }
  const statisticsOut = statistics.filter((s) => !scope.statistics.includes(s));
  if (statisticsOut.length > 0) {
    return { code: LedgerChaincodeErrorCode.AccessOutOfScope, reason: `${on}: the grant of request "${r.requestId}" does not cover statistics ${statisticsOut.join(', ')}` };
  }
  return undefined;
}

/** Admits the dataset or says why not, from the projection alone. */
export function admitFromProjection(
  view: ProjectionView,
  requester: string,
  nowMs: number,
  columns: readonly string[],
  statistics: readonly LedgerStatistic[],
): { admitted: Admitted } | { refusal: Refusal } {
  const on = `dataset "${view.datasetId}"`;
  const dataset = view.dataset;
  if (dataset === null) return { refusal: { code: LedgerChaincodeErrorCode.DatasetNotFound, reason: `${on} is not on the ledger` } };
  if (dataset.status === 'deleted') return { refusal: { code: LedgerChaincodeErrorCode.DatasetDeleted, reason: `${on} was deleted` } };
  if (dataset.status === 'tampered') {
    return { refusal: { code: LedgerChaincodeErrorCode.DatasetTampered, reason: `${on} has an open tamper finding: its file no longer matches the on-chain hash` } };
  }
  let best: ProjectedAccessRequest | undefined;
  let bestExpiry = -Infinity;
  const refusals: Refusal[] = [];
  for (const request of view.requests) {
    if (request.requester !== requester || request.datasetId !== view.datasetId) continue;
    const refusal = requestRefusal(request, nowMs, columns, statistics);
    if (refusal !== undefined) {
      refusals.push(refusal);
      continue;
    }
    // Several grants in force: the longest-lasting one, as the ledger picks it.
    const expiry = Date.parse(request.expiresAt ?? '');
    if (best === undefined || expiry > bestExpiry) {
      best = request;
      bestExpiry = expiry;
    }
  }
  if (best === undefined) {
    let refusal: Refusal | undefined;
    for (const r of refusals) if (refusal === undefined || PRECEDENCE.indexOf(r.code) < PRECEDENCE.indexOf(refusal.code)) refusal = r;
    return { refusal: refusal ?? { code: LedgerChaincodeErrorCode.AccessNotGranted, reason: `${on}: requester "${requester}" has no access request for it` } };
  }
  const node = view.owner?.node();
  if (node === undefined) {
    return { refusal: { code: AggregationErrorCode.NODE_UNKNOWN, reason: `${on}: its owner "${dataset.ownerMemberId}" has no active storage node (id and public key) on-chain` } };
  }
  return { admitted: { dataset, grantRequestId: best.requestId, nodeId: node.nodeId, publicKeyPem: node.publicKeyPem } };
}
