import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';

/** The tables the data-storage service owns, and the explicit migrations that create them. */
export const DATA_STORAGE_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS],
};
