import type { LocalUser } from '../../domain/local-user';

/** Deletes a dataset: recorded on the ledger first (if it was released), then its files are removed. */
export class DeleteDatasetCommand {
  constructor(
    readonly user: LocalUser,
    readonly datasetId: string,
    readonly description: string,
  ) {}
}
