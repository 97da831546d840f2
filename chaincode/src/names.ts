/** Contract names, as used in `<contract>:<transaction>` function names (e.g. `access:grantAccess`). */
export const ContractName = {
  Consortium: 'consortium',
  Dataset: 'dataset',
  Access: 'access',
  Audit: 'audit',
  Budget: 'budget',
} as const;

/** One of {@link ContractName}. */
export type ContractName = (typeof ContractName)[keyof typeof ContractName];
