/**
 * Codes of the aggregation service's own errors; the REST edge maps each to one HTTP status. Grant
 * refusals reuse the ledger's codes (`ACCESS.NOT_GRANTED`, `ACCESS.OUT_OF_SCOPE`, `ACCESS.EXPIRED`,
 * `ACCESS.REVOKED`, `DATASET.NOT_FOUND`, `DATASET.DELETED`, `DATASET.TAMPERED`) as the ledger's access
 * check answers them.
 */
export const AggregationErrorCode = {
  /** The request carries no acting user. */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  /** No analysis with that id that the caller may read (someone else's answers the same). */
  NOT_FOUND: 'ANALYSIS.NOT_FOUND',
  /** The request is inconsistent (a histogram column not among the columns, probabilities without quantiles, …). */
  REQUEST_INVALID: 'ANALYSIS.REQUEST_INVALID',
  /** The dataset owner has no storage node (id and public key) on-chain to ask. */
  NODE_UNKNOWN: 'ANALYSIS.NODE_UNKNOWN',
  /** A storage node refused or failed its summary; the message names the node, the dataset and its code. */
  SITE_FAILED: 'ANALYSIS.SITE_FAILED',
  /** A storage node did not answer within the deadline. */
  SITE_TIMEOUT: 'ANALYSIS.SITE_TIMEOUT',
  /** Nobody answers on a storage node's subject: its storage service is not running or not connected. */
  SITE_UNREACHABLE: 'ANALYSIS.SITE_UNREACHABLE',
  /** A summary's signature does not verify with the node key registered on-chain. */
  SITE_SIGNATURE_INVALID: 'ANALYSIS.SITE_SIGNATURE_INVALID',
  /** A correctly signed summary is not the one asked for (another analysis, dataset, requester, grant, hash or version). */
  SITE_RESPONSE_MISMATCH: 'ANALYSIS.SITE_RESPONSE_MISMATCH',
  /** A correctly signed summary was made under a disclosure policy looser than the consortium's floor. */
  SITE_POLICY_BELOW_FLOOR: 'ANALYSIS.SITE_POLICY_BELOW_FLOOR',
  /** A statistic with no differentially private release (min, max) was asked of a dp grant. */
  DP_STATISTIC_UNAVAILABLE: 'ANALYSIS.DP_STATISTIC_UNAVAILABLE',
  /** The datasets' grants mix privacy modes (dp and controlled): their numbers cannot be pooled. */
  MIXED_PRIVACY_MODES: 'ANALYSIS.MIXED_PRIVACY_MODES',
  /** The chart asked for has nothing to show (a statistic not in the result, or per site without a breakdown). */
  CHART_UNAVAILABLE: 'ANALYSIS.CHART_UNAVAILABLE',
} as const;

/** One of {@link AggregationErrorCode}. */
export type AggregationErrorCode = (typeof AggregationErrorCode)[keyof typeof AggregationErrorCode];
