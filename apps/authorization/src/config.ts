import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the authorization service, read from the environment and validated at start. */
export class AuthorizationConfig extends ServiceConfig {
  /** Deadline of ledger commands (request, grant, deny, revoke): they answer only after commit. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(300_000)
  LEDGER_COMMAND_TIMEOUT_MS = 30_000;

  /**
   * How long a decision (grant, deny, revoke) whose answer was lost keeps asking the ledger whether
   * it committed (a frozen or restarting ledger may commit it late) before the owner is answered
   * with the original error: answering "failed" for a decision that then commits would make its
   * retry a conflict.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  DECISION_SETTLE_MS = 15_000;

  /**
   * Rebuild the projection from the ledger's own queries at start (members, datasets, and every
   * access request named in the datasets' provenance), so a service started late, or after the
   * event stream lost old messages, still shows everything committed.
   */
  @IsIn(['true', 'false'])
  CATCH_UP_ON_START: 'true' | 'false' = 'true';

  /**
   * While the ledger does not answer, the start-up catch-up is retried this often: a short, fixed
   * interval, not a growing back-off, so that a service restarted during a ledger outage catches up
   * within a moment of the ledger's return (an attempt against an absent ledger costs one request).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  CATCH_UP_RETRY_MS = 500;

  /**
   * Access requests one user may file per hour. Each is a ledger transaction and lands in an owner's
   * queue, so this also bounds how fast one self-registered account grows the chain and those queues.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ACCESS_REQUESTS_PER_HOUR = 20;
}

export function loadAuthorizationConfig(env: NodeJS.ProcessEnv = process.env): AuthorizationConfig {
  return loadConfig(AuthorizationConfig, env);
}
