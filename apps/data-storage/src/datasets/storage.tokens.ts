/** Injection tokens of the storage module. */
export const STORAGE_LOGGER = Symbol('STORAGE_LOGGER');
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
export const SUMMARY_ENGINE = Symbol('SUMMARY_ENGINE');
export const FILE_STORE = Symbol('FILE_STORE');
export const NODE_SIGNER = Symbol('NODE_SIGNER');
/** The KeyedLock over content hashes shared by upload and delete. */
export const OBJECT_LOCKS = Symbol('OBJECT_LOCKS');
/** The node's KeyedNoise: disclosure noise, deterministic per (dataset version, grant, column, statistic). */
export const DISCLOSURE_NOISE = Symbol('DISCLOSURE_NOISE');
/** The node's GlmSessions: its open GLM model sessions (issue 16). */
export const GLM_SESSIONS = Symbol('GLM_SESSIONS');
