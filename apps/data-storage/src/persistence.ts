import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { DatasetSchema, DatasetVersionSchema } from './datasets/infrastructure/persistence/dataset.entity';
import { Migration20261123220000StorageDatasets } from './datasets/infrastructure/persistence/storage.migration';

/** The tables the data-storage service owns, and the explicit migrations that create them. */
export const DATA_STORAGE_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, DatasetSchema, DatasetVersionSchema],
  migrations: [...MESSAGING_MIGRATIONS, { name: 'Migration20261123220000StorageDatasets', class: Migration20261123220000StorageDatasets }],
};
