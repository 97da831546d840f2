import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the data-storage service, read from the environment and validated at start. */
export class DataStorageConfig extends ServiceConfig {}

export function loadDataStorageConfig(env: NodeJS.ProcessEnv = process.env): DataStorageConfig {
  return loadConfig(DataStorageConfig, env);
}
