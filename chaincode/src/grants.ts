// Whether a grant is in force for a use, evaluated against the transaction timestamp. Shared by
// access:checkAccess (answers) and audit:recordAnalysis (refuses).
import { ChaincodeErrorCode } from './errors';
import { DatasetStatus, RequestStatus, type AccessRequestRecord, type DatasetRecord, type Statistic } from './records';
import { parseIsoTime } from './validation';

/** Why a use is refused: an error code and an explanation. */
export interface Refusal {
  code: ChaincodeErrorCode;
  reason: string;
}

/** Refuses a deleted or tampered dataset. */
export function datasetRefusal(dataset: DatasetRecord): Refusal | undefined {
  if (dataset.status === DatasetStatus.Deleted) {
    return { code: ChaincodeErrorCode.DatasetDeleted, reason: `dataset "${dataset.datasetId}" was deleted` };
  }
  if (dataset.status === DatasetStatus.Tampered) {
    return {
      code: ChaincodeErrorCode.DatasetTampered,
      reason: `dataset "${dataset.datasetId}" has an open tamper finding "${dataset.tamperFindingId ?? ''}"`,
    };
  }
  return undefined;
}

function missing(asked: readonly string[], covered: readonly string[]): string[] {
  return asked.filter((item) => !covered.includes(item));
}

/**
 * Whether a granted request covers a dataset version: the one it was granted on (the request's, for
 * grants made before grants were bound to versions), or any when the owner chose that it follows
 * updates. Storage sites apply the same rule (libs/contracts `grantCoversVersion`; a test in
 * apps/ledger holds the two equal).
 */
export function grantCoversVersion(request: Pick<AccessRequestRecord, 'datasetVersion' | 'grant'>, datasetVersion: number): boolean {
  const grant = request.grant;
  if (grant === undefined) return false;
  return grant.followsUpdates === true || (grant.datasetVersion ?? request.datasetVersion) === datasetVersion;
}

/**
 * Refuses a request that is not a granted, unrevoked, unexpired grant covering the columns and
 * statistics and the dataset's current version (`datasetVersion`).
 */
export function grantRefusal(
  request: AccessRequestRecord,
  nowMs: number,
  columns: readonly string[],
  statistics: readonly Statistic[],
  datasetVersion: number,
): Refusal | undefined {
  const id = request.requestId;
  if (request.status === RequestStatus.Revoked) {
    return { code: ChaincodeErrorCode.AccessRevoked, reason: `the grant of request "${id}" was revoked` };
  }
  const grant = request.grant;
  if (request.status !== RequestStatus.Granted || grant === undefined) {
    return { code: ChaincodeErrorCode.AccessNotGranted, reason: `request "${id}" is ${request.status}, not granted` };
  }
  const expiresAt = parseIsoTime(grant.expiresAt) ?? 0;
  if (expiresAt <= nowMs) {
    return { code: ChaincodeErrorCode.AccessExpired, reason: `the grant of request "${id}" expired at ${grant.expiresAt}` };
  }
  if (!grantCoversVersion(request, datasetVersion)) {
    return {
      code: ChaincodeErrorCode.AccessVersionNotCovered,
      reason: `the grant of request "${id}" covers version ${grant.datasetVersion ?? request.datasetVersion} of the dataset, not version ${datasetVersion}; the owner must renew it`,
    };
  }
  const columnsOut = missing(columns, grant.columns);
  if (columnsOut.length > 0) {
    return { code: ChaincodeErrorCode.AccessOutOfScope, reason: `the grant of request "${id}" does not cover columns ${columnsOut.join(', ')}` };
  }
  const statisticsOut = missing(statistics, grant.statistics);
  if (statisticsOut.length > 0) {
    return {
      code: ChaincodeErrorCode.AccessOutOfScope,
      reason: `the grant of request "${id}" does not cover statistics ${statisticsOut.join(', ')}`,
    };
  }
  return undefined;
}

// When several requests of one requester are refused, report the one closest to being usable.
const PRECEDENCE: readonly ChaincodeErrorCode[] = [
  ChaincodeErrorCode.AccessOutOfScope,
  ChaincodeErrorCode.AccessVersionNotCovered,
  ChaincodeErrorCode.AccessExpired,
  ChaincodeErrorCode.AccessRevoked,
  ChaincodeErrorCode.AccessNotGranted,
];

/** The most informative of several refusals (first in list order among equals). */
export function mostRelevant(refusals: readonly Refusal[]): Refusal | undefined {
  let best: Refusal | undefined;
  for (const refusal of refusals) {
    if (best === undefined || PRECEDENCE.indexOf(refusal.code) < PRECEDENCE.indexOf(best.code)) best = refusal;
  }
  return best;
}
