import type { LocalUser } from '../../domain/local-user';

/** Retries the ledger release of a dataset's newest version after a failed commit. */
export class ReleaseDatasetCommand {
  constructor(
    readonly user: LocalUser,
    readonly datasetId: string,
  ) {}
}
