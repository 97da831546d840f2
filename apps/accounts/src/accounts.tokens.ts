/** DI token of the service's pino logger (a type, not a class, so it needs a token). */
export const LOGGER = Symbol('ACCOUNTS_LOGGER');
