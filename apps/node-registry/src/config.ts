import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the node-registry service, read from the environment and validated at start. */
export class NodeRegistryConfig extends ServiceConfig {
  /** Deadline of ledger commands (admit, reject, update-node): they answer only after commit. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(300_000)
  LEDGER_COMMAND_TIMEOUT_MS = 30_000;

  /** How long a connection test waits for the storage node's answer before calling it unreachable. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  CONNECTION_TEST_TIMEOUT_MS = 3_000;

  /** Every this many milliseconds each admitted node is probed and its heartbeat recorded; 0 turns probing off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  HEARTBEAT_INTERVAL_MS = 60_000;
}

export function loadNodeRegistryConfig(env: NodeJS.ProcessEnv = process.env): NodeRegistryConfig {
  return loadConfig(NodeRegistryConfig, env);
}
