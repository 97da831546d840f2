import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';

/** The tables the accounts service owns, and the explicit migrations that create them. */
export const ACCOUNTS_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS],
};
