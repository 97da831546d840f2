import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';

/** The tables the authorization service owns, and the explicit migrations that create them. */
export const AUTHORIZATION_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS],
};
