import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { EventCheckpointSchema } from './events/event-checkpoint.entity';
import { LEDGER_MIGRATIONS } from './events/ledger.migration';

/** The tables the ledger service owns, and the explicit migrations that create them. */
export const LEDGER_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, EventCheckpointSchema],
  migrations: [...MESSAGING_MIGRATIONS, ...LEDGER_MIGRATIONS],
};
