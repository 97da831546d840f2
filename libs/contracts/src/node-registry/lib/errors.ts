/** Codes of the node-registry service's errors; the REST edge maps each to one HTTP status. */
export const NodeRegistryErrorCode = {
  /** The acting user may not do this (role, or another institution's application or node). */
  FORBIDDEN: 'NODE_REGISTRY.FORBIDDEN',
  /** The request carries no acting user. */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  APPLICATION_NOT_FOUND: 'NODE_REGISTRY.APPLICATION_NOT_FOUND',
  INSTITUTION_NOT_FOUND: 'NODE_REGISTRY.INSTITUTION_NOT_FOUND',
  /** The application was already admitted or rejected. */
  ALREADY_DECIDED: 'NODE_REGISTRY.ALREADY_DECIDED',
  /** Another pending or admitted application uses this node id. */
  NODE_ID_TAKEN: 'NODE_REGISTRY.NODE_ID_TAKEN',
  /** Another pending or admitted application, or an institution, uses this MSP id. */
  MSP_ID_TAKEN: 'NODE_REGISTRY.MSP_ID_TAKEN',
  /** The applicant already has a pending application, or already belongs to an institution. */
  ALREADY_APPLIED: 'NODE_REGISTRY.ALREADY_APPLIED',
} as const;

/** One of {@link NodeRegistryErrorCode}. */
export type NodeRegistryErrorCode = (typeof NodeRegistryErrorCode)[keyof typeof NodeRegistryErrorCode];
