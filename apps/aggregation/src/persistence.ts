import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';

/** The tables the aggregation service owns, and the explicit migrations that create them. */
export const AGGREGATION_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS],
};
