/** DI token of the service's pino logger. */
export const LOGGER = Symbol('NODE_REGISTRY_LOGGER');
