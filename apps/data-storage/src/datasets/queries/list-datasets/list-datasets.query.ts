/** The node's datasets with their release state and last ledger error. */
export class ListDatasetsQuery {
  constructor(readonly includeDeleted: boolean) {}
}
