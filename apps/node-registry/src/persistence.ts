import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@phdmf/messaging';
import { NODE_REGISTRY_MIGRATIONS } from './membership/infrastructure/node-registry.migration';
import { REGISTRY_ENTITIES } from './membership/infrastructure/schemas';

/** The tables the node-registry service owns, and the explicit migrations that create them. */
export const NODE_REGISTRY_PERSISTENCE = {
  entities: [...MESSAGING_ENTITIES, ...REGISTRY_ENTITIES],
  migrations: [...MESSAGING_MIGRATIONS, ...NODE_REGISTRY_MIGRATIONS],
};
