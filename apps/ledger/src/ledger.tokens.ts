/** Nest injection token of the ledger service's pino logger. */
export const LEDGER_LOGGER = Symbol('LEDGER_LOGGER');
