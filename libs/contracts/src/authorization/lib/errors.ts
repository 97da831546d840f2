/**
 * Codes of the authorization service's errors; the REST edge maps each to one HTTP status. Where the
 * service refuses early what the chaincode would refuse too, it answers with the chaincode's own
 * code (`ACCESS.REQUEST_NOT_FOUND`, `ACCESS.INVALID_STATE`, `DATASET.DELETED`), so a caller sees one
 * code for one problem whichever of the two caught it.
 */
export const AuthorizationErrorCode = {
  /** The request carries no acting user. */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  /** The acting user may not do this (role, or another institution's dataset or request, or another user's request). */
  FORBIDDEN: 'ACCESS.FORBIDDEN',
  /** No released dataset with this id is in the market (never committed on-chain, or not yet seen). */
  DATASET_NOT_FOUND: 'MARKET.DATASET_NOT_FOUND',
  /** The owner has closed the dataset to access requests (the chaincode's code; it refuses them too). */
  DATASET_CLOSED: 'ACCESS.DATASET_CLOSED',
  /** The dataset was deleted on-chain; it takes no requests (the chaincode's code). */
  DATASET_DELETED: 'DATASET.DELETED',
  /** No access request with this id (the chaincode's code). */
  REQUEST_NOT_FOUND: 'ACCESS.REQUEST_NOT_FOUND',
  /** The request is not in the state the decision needs: grant and deny need pending, revoke needs granted (the chaincode's code). */
  INVALID_STATE: 'ACCESS.INVALID_STATE',
  /** The request names columns the dataset does not have, or an expiry that is not in the future. */
  INVALID_REQUEST: 'ACCESS.INVALID_REQUEST',
  /**
   * A grant narrowed to statistics that cannot be computed without others it leaves out (the count
   * always; the mean with variance or SD): an analysis under it would be refused.
   */
  SCOPE_INCOMPLETE: 'ACCESS.SCOPE_INCOMPLETE',
} as const;

/** One of {@link AuthorizationErrorCode}. */
export type AuthorizationErrorCode = (typeof AuthorizationErrorCode)[keyof typeof AuthorizationErrorCode];
