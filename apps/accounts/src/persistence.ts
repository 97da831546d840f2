import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { ACCOUNTS_MIGRATIONS } from './users/infrastructure/accounts.migration';
import { ACCOUNTS_ENTITIES } from './users/infrastructure/schemas';

/** The tables the accounts service owns, and the explicit migrations that create them. */
export const ACCOUNTS_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, ...ACCOUNTS_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS, ...ACCOUNTS_MIGRATIONS],
};
