import type { LedgerAccessRequestRecord } from './records';

/**
 * Whether a granted request covers a dataset version: the one it was granted on (the request's, for
 * grants made before grants were bound to versions), or any when the owner chose that it follows
 * updates. The chaincode's rule (`grantCoversVersion` in chaincode/src/grants.ts), for the storage
 * sites' own check; a test in apps/ledger holds the two equal.
 */
export function grantCoversVersion(request: Pick<LedgerAccessRequestRecord, 'datasetVersion' | 'grant'>, datasetVersion: number): boolean {
  const grant = request.grant;
  if (grant === undefined) return false;
  return grant.followsUpdates === true || (grant.datasetVersion ?? request.datasetVersion) === datasetVersion;
}
