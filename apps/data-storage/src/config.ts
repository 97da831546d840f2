import * as path from 'node:path';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';
import { LEDGER_ID_PATTERN, STORAGE_NODE_ID_PATTERN } from '@phdmf/contracts';
import { DEFAULT_DISCLOSURE_POLICY, type DisclosurePolicy } from './datasets/domain/disclosure-policy';

const floor = DEFAULT_DISCLOSURE_POLICY;

/**
 * Configuration of one site's data-storage service, read from the environment and validated at
 * start. Everything a site must decide has no default: its node id, its organisation, its node key
 * and where tokens come from. The disclosure policy defaults to the consortium's floor and may only
 * be tightened (a looser value stops the service at start).
 */
export class DataStorageConfig extends ServiceConfig {
  /** This node's id, as admitted on the ledger; it names the node's subjects (`phdmf.storage.<NODE_ID>.…`). */
  @Matches(STORAGE_NODE_ID_PATTERN, { message: 'must be 1-64 lower-case letters, digits and hyphens (a single NATS subject token)' })
  NODE_ID!: string;

  /** The member organisation that runs this node (its ledger member id); only its users may use the local API. */
  @Matches(LEDGER_ID_PATTERN, { message: 'must be a ledger member id (letters, digits and . _ : @ + = / -)' })
  ORGANISATION_ID!: string;

  /** PKCS#8 PEM file of the node's Ed25519 private key; its public half is the one registered on-chain. */
  @IsString()
  @MinLength(1)
  NODE_PRIVATE_KEY_FILE!: string;

  /** Where the node keeps its files (objects/ and tmp/); default `<PHDMF_DATA_DIR>/storage`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  STORAGE_DATA_DIR?: string;

  /** Address of the local HTTP API for the institution's own users. */
  @IsString()
  @MinLength(1)
  HTTP_HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  HTTP_PORT = 8480;

  /**
   * Origins whose pages may call this local API from a browser, comma-separated: the consortium's web
   * console, so that a staff member uploads straight from the browser to the site (rows never pass a
   * central service). Empty (the default) allows no cross-origin calls; `*` is refused on purpose.
   */
  @Matches(/^$|^https?:\/\/[^\s,*]+(,https?:\/\/[^\s,*]+)*$/, { message: 'must be empty or a comma-separated list of http(s) origins (no wildcard)' })
  CORS_ORIGINS = '';

  get corsOrigins(): string[] {
    return this.CORS_ORIGINS.split(',').filter((o) => o.length > 0);
  }

  /** Largest upload accepted, in bytes (default 2 GiB). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_BYTES = 2 * 1024 ** 3;

  /**
   * Write uploads with O_DIRECT where the file system takes it (see upload-file.ts); `false` writes
   * through the page cache, e.g. on a file system whose direct I/O is slower than its cache.
   */
  @IsIn(['true', 'false'])
  UPLOAD_DIRECT_IO: 'true' | 'false' = 'true';

  /** Issuer and audience of access tokens (accounts service). */
  @IsString()
  @MinLength(1)
  JWT_ISSUER!: string;

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE!: string;

  /** A pinned JWKS file of the accounts service; when absent, the JwksSource must be provided by injection. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  ACCOUNTS_JWKS_FILE?: string;

  /** Minutes between integrity audits of every file; 0 turns the schedule off (audits on demand only). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60)
  AUDIT_INTERVAL_MINUTES = 60;

  /** Deadline of ledger commands (a commit can take longer than a query). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  LEDGER_COMMAND_TIMEOUT_MS = 30_000;

  /**
   * Backoff of the owed ledger writes while the ledger does not answer: the first retry after this
   * long, doubling (with jitter) up to LEDGER_RETRY_MAX_MS. The cap bounds how late a write lands after
   * an outage ends; each retry costs one ledger query.
   */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  LEDGER_RETRY_MIN_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  LEDGER_RETRY_MAX_MS = 5_000;

  /** DuckDB threads and memory limit for summaries (bounded so a summary cannot starve the node). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  DUCKDB_THREADS = 2;

  /** Summaries computed at once; more wait their turn, so a burst cannot exhaust the node's disk bandwidth or memory. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  SUMMARY_CONCURRENCY = 2;

  /**
   * Summaries that may wait for one of those slots; more are refused at once with STORAGE.BUSY
   * (503), so no party can fill the node with work nobody will wait for.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  SUMMARY_QUEUE_SIZE = 8;

  /**
   * GLM model sessions (issue 16) held open at once; a further glm.open is refused with
   * MODEL.SESSIONS_FULL (503) until one closes or idles out. Each keeps the model's columns of its
   * records in DuckDB's memory (about 8 bytes per value), within DUCKDB_MEMORY_LIMIT.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MODEL_SESSIONS_MAX = 8;

  /** A GLM model session without a step for this long is dropped (a later step: MODEL.SESSION_UNKNOWN). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  MODEL_SESSION_IDLE_SECONDS = 300;

  @Matches(/^\d+(\.\d+)?\s?(KB|MB|GB|KiB|MiB|GiB)$/, { message: 'must be a size such as 512MB or 2GiB' })
  DUCKDB_MEMORY_LIMIT = '512MB';

  /** Disclosure policy: may only be stricter than the consortium's floor. */
  @Type(() => Number)
  @IsInt()
  @Min(floor.minCount, { message: `may not be below the consortium's minimum of ${floor.minCount}` })
  DISCLOSURE_MIN_COUNT = floor.minCount;

  @IsIn(['true', 'false'])
  DISCLOSURE_EXACT_MIN_MAX: 'true' | 'false' = 'false';

  @Type(() => Number)
  @IsNumber()
  @Min(floor.quantileLow, { message: `may not be below ${floor.quantileLow}` })
  @Max(0.5)
  DISCLOSURE_QUANTILE_LOW = floor.quantileLow;

  @Type(() => Number)
  @IsNumber()
  @Min(0.5)
  @Max(floor.quantileHigh, { message: `may not be above ${floor.quantileHigh}` })
  DISCLOSURE_QUANTILE_HIGH = floor.quantileHigh;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(floor.maxHistogramBins, { message: `may not be above ${floor.maxHistogramBins}` })
  DISCLOSURE_MAX_HISTOGRAM_BINS = floor.maxHistogramBins;

  @Type(() => Number)
  @IsNumber()
  @Min(floor.minMaxNoise, { message: `may not be below ${floor.minMaxNoise}` })
  @Max(1)
  DISCLOSURE_MIN_MAX_NOISE = floor.minMaxNoise;

  get storageDir(): string {
    return this.STORAGE_DATA_DIR ?? path.join(this.PHDMF_DATA_DIR, 'storage');
  }

  get disclosurePolicy(): DisclosurePolicy {
    return {
      minCount: this.DISCLOSURE_MIN_COUNT,
      exactMinMax: this.DISCLOSURE_EXACT_MIN_MAX === 'true',
      quantileLow: this.DISCLOSURE_QUANTILE_LOW,
      quantileHigh: this.DISCLOSURE_QUANTILE_HIGH,
      maxHistogramBins: this.DISCLOSURE_MAX_HISTOGRAM_BINS,
      minMaxNoise: this.DISCLOSURE_MIN_MAX_NOISE,
    };
  }
}

export function loadDataStorageConfig(env: NodeJS.ProcessEnv = process.env): DataStorageConfig {
  return loadConfig(DataStorageConfig, env);
}
