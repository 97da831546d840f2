import type { DisclosurePolicy } from './datasets/domain/disclosure-policy';

/** What the storage use cases need of the configuration (so they do not depend on env parsing). */
export interface StorageSettings {
  nodeId: string;
  organisationId: string;
  storageDir: string;
  uploadMaxBytes: number;
  /** Uploads written with O_DIRECT where the file system takes it (UPLOAD_DIRECT_IO). */
  uploadDirectIo: boolean;
  ledgerCommandTimeoutMs: number;
  /** Backoff of owed ledger writes: first delay and cap. */
  ledgerRetry: { minMs: number; maxMs: number };
  auditIntervalMinutes: number;
  disclosure: DisclosurePolicy;
  duckdb: { threads: number; memoryLimit: string };
  summaryConcurrency: number;
  /** Summaries that may wait for a slot; more are refused with STORAGE.BUSY. */
  summaryQueueSize: number;
  /** GLM model sessions: how many may be open at once, and how long one lives without a step. */
  modelSessions: { max: number; idleSeconds: number };
}

export const STORAGE_SETTINGS = Symbol('STORAGE_SETTINGS');
