import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the accounts service, read from the environment and validated at start. */
export class AccountsConfig extends ServiceConfig {}

export function loadAccountsConfig(env: NodeJS.ProcessEnv = process.env): AccountsConfig {
  return loadConfig(AccountsConfig, env);
}
