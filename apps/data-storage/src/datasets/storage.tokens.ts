/** Injection tokens of the storage module. */
export const STORAGE_LOGGER = Symbol('STORAGE_LOGGER');
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
export const SUMMARY_ENGINE = Symbol('SUMMARY_ENGINE');
export const FILE_STORE = Symbol('FILE_STORE');
export const NODE_SIGNER = Symbol('NODE_SIGNER');
/** The KeyedLock over content hashes shared by upload and delete. */
export const OBJECT_LOCKS = Symbol('OBJECT_LOCKS');
/** A function returning uniform numbers in [0, 1) for min/max perturbation (crypto-backed). */
export const RANDOM_SOURCE = Symbol('RANDOM_SOURCE');
