import * as path from 'node:path';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';
import { LEDGER_ID_PATTERN } from '@phdmf/contracts';

/** The ledger adapters: the in-process embedded ledger, or a Hyperledger Fabric network (connection.json). */
export const LEDGER_ADAPTERS = ['embedded', 'fabric'] as const;
export type LedgerAdapterName = (typeof LEDGER_ADAPTERS)[number];

/** Configuration of the ledger service, read from the environment and validated at start. */
export class LedgerConfig extends ServiceConfig {
  /** Which ledger the service talks to: the in-process embedded ledger (one machine) or Fabric. */
  @IsIn(LEDGER_ADAPTERS)
  LEDGER_ADAPTER: LedgerAdapterName = 'embedded';

  /** The MSP that governs the consortium; consortium admins and internal services sign with it. */
  @Matches(LEDGER_ID_PATTERN, { message: 'must be an MSP id (letters, digits and . _ : @ + = / -)' })
  LEDGER_GOVERNOR_MSP = 'ConsortiumMSP';

  /** Name recorded by `consortium:initialize` when the service finds the chain uninitialized. */
  @IsString()
  @Length(1, 200)
  LEDGER_CONSORTIUM_NAME = 'PHDMF consortium';

  /** Embedded ledger: its directory (ledger.sqlite3, signing key); default `<PHDMF_DATA_DIR>/ledger`. */
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  LEDGER_DATA_DIR?: string;

  /** Embedded ledger: channel name recorded in the genesis block. */
  @Matches(/^[a-z][a-z0-9.-]{0,248}$/, { message: 'must be a Fabric channel name (lower case letters, digits, . and -)' })
  LEDGER_CHANNEL = 'phdmf';

  /**
   * Embedded ledger: a block is cut at this many transactions… Blocks are committed in a worker
   * thread while the next ones are simulated; blocks of about half the transactions in flight keep
   * both busy (bench/ledger: 128 beat 500 and 64 at 256 in flight).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LEDGER_MAX_TX_PER_BLOCK = 128;

  /** …or this long after its first transaction, whichever comes first. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LEDGER_BATCH_TIMEOUT_MS = 5;

  /**
   * Embedded ledger: …or as soon as the block committer is idle (`true`, group commit): a lone
   * transaction does not wait for the timeout, and under load a block grows only while the one
   * before it commits. `false` cuts by count and timeout only, as Fabric's orderer does.
   */
  @IsIn(['true', 'false'])
  LEDGER_CUT_WHEN_IDLE: 'true' | 'false' = 'true';

  /** Attempts per submit when the transaction fails MVCC validation (1 = no retry). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  LEDGER_SUBMIT_MAX_ATTEMPTS = 5;

  /**
   * Attempts per budget reservation or release on MVCC conflict: they contend on the grant's budget
   * by design, one round per analysis started at once on the grant (see mvcc-retry.ts).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  LEDGER_BUDGET_SUBMIT_MAX_ATTEMPTS = 100;

  /** Chain events published to JetStream concurrently before the checkpoint advances. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4_096)
  LEDGER_EVENT_PUBLISH_BATCH = 256;

  /** Fabric: path of connection.json (infra/fabric/network.sh writes it); required with LEDGER_ADAPTER=fabric. */
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  FABRIC_CONNECTION_FILE?: string;

  /** Fabric: deadline of an evaluate (query) call. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  FABRIC_EVALUATE_TIMEOUT_MS = 5_000;

  /** Fabric: deadline of an endorse call (the gateway collects every organisation's endorsement). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  FABRIC_ENDORSE_TIMEOUT_MS = 15_000;

  /** Fabric: deadline of handing an endorsed transaction to the orderer. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  FABRIC_SUBMIT_TIMEOUT_MS = 5_000;

  /** Fabric: deadline of waiting for a submitted transaction's commit status. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  FABRIC_COMMIT_STATUS_TIMEOUT_MS = 60_000;

  /**
   * Fabric: how long a transaction the ordering service did not confirm (unreachable, or a SmartBFT
   * broadcast short of its quorum) is handed to it again, the same signed envelope each time; never past the
   * deadline of the request being served.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  FABRIC_RESUBMIT_WINDOW_MS = 10_000;

  /** Re-verify the whole chain in the background at start and log the outcome. */
  @IsIn(['true', 'false'])
  LEDGER_VERIFY_ON_START: 'true' | 'false' = 'true';

  /** The embedded ledger's directory, defaulted from PHDMF_DATA_DIR. */
  get ledgerDataDir(): string {
    return this.LEDGER_DATA_DIR ?? path.join(this.PHDMF_DATA_DIR, 'ledger');
  }
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return loadConfig(LedgerConfig, env);
}
