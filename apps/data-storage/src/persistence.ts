import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { DatasetSchema, DatasetVersionSchema } from './datasets/infrastructure/persistence/dataset.entity';
import { LedgerIntentSchema } from './datasets/infrastructure/persistence/ledger-intent.entity';
import { Migration20261206170000StorageLedgerIntents } from './datasets/infrastructure/persistence/ledger-intent.migration';
import { Migration20261123220000StorageDatasets } from './datasets/infrastructure/persistence/storage.migration';

/** The tables the data-storage service owns, and the explicit migrations that create them. */
export const DATA_STORAGE_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, DatasetSchema, DatasetVersionSchema, LedgerIntentSchema],
  migrations: [
    ...MESSAGING_MIGRATIONS,
    { name: 'Migration20261123220000StorageDatasets', class: Migration20261123220000StorageDatasets },
    { name: 'Migration20261206170000StorageLedgerIntents', class: Migration20261206170000StorageLedgerIntents },
  ],
};
