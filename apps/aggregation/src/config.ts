import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';

/** The consortium's floor for the pool's disclosure threshold (DataSHIELD's nfilter.tab). */
export const POOL_MIN_COUNT_FLOOR = 3;

/** Configuration of the aggregation service, read from the environment and validated at start. */
export class AggregationConfig extends ServiceConfig {
  /**
   * No pooled group (a column's count, a histogram cell, a per-site breakdown cell) rests on fewer
   * records than this; it may only be raised above the consortium's floor.
   */
  @Type(() => Number)
  @IsInt()
  @Min(POOL_MIN_COUNT_FLOOR, { message: `may not be below the consortium's minimum of ${POOL_MIN_COUNT_FLOOR}` })
  @Max(1_000_000)
  POOL_MIN_COUNT = POOL_MIN_COUNT_FLOOR;

  /**
   * The longest a storage node's summary is waited for; a node that has not answered by then fails the
   * analysis (or is left out, with allowPartial). Shorter when the caller's own deadline leaves less.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SITE_TIMEOUT_MS = 120_000;

  /** Deadline of recording an analysis on the ledger (answered after commit). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(300_000)
  LEDGER_COMMAND_TIMEOUT_MS = 30_000;

  /**
   * How long an analysis whose record got no answer keeps asking the ledger whether the record
   * committed (a frozen or restarting ledger may commit it late) before the researcher is answered
   * LEDGER.UNAVAILABLE.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  RECORD_SETTLE_MS = 15_000;

  /**
   * Analyses one user may run per hour. Each asks every site for a summary and is a ledger
   * transaction, so this bounds how fast one self-registered account loads the sites and grows the chain.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ANALYSES_PER_HOUR = 60;

  /** Columns one analysis may ask for (the sites compute each column's summary). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  MAX_COLUMNS_PER_ANALYSIS = 50;

  /** Quantile probabilities one analysis may ask for (each column's quantiles are computed at every one). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(99)
  MAX_QUANTILES_PER_ANALYSIS = 19;
}

export function loadAggregationConfig(env: NodeJS.ProcessEnv = process.env): AggregationConfig {
  return loadConfig(AggregationConfig, env);
}
