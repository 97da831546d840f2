import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';

/** The tables the ledger service owns, and the explicit migrations that create them. */
export const LEDGER_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS],
};
