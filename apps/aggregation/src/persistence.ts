import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { AGGREGATION_MIGRATIONS } from './analyses/infrastructure/aggregation.migration';
import { AGGREGATION_ENTITIES } from './analyses/infrastructure/schemas';

/** The tables the aggregation service owns, and the explicit migrations that create them. */
export const AGGREGATION_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, ...AGGREGATION_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS, ...AGGREGATION_MIGRATIONS],
};
