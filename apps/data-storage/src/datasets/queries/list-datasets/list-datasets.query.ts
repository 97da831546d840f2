import type { PageQuery } from '@phdmf/contracts';

/** A page of the node's datasets (newest first) with their release state and last ledger error. */
export class ListDatasetsQuery {
  constructor(
    readonly includeDeleted: boolean,
    readonly page: PageQuery,
  ) {}
}
