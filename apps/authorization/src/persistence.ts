import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { AUTHORIZATION_MIGRATIONS } from './market/infrastructure/authorization.migration';
import { AUTHORIZATION_ENTITIES } from './market/infrastructure/schemas';

/** The tables the authorization service owns, and the explicit migrations that create them. */
export const AUTHORIZATION_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, ...AUTHORIZATION_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS, ...AUTHORIZATION_MIGRATIONS],
};
