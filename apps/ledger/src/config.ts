import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the ledger service, read from the environment and validated at start. */
export class LedgerConfig extends ServiceConfig {}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return loadConfig(LedgerConfig, env);
}
