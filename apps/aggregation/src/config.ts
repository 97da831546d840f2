import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the aggregation service, read from the environment and validated at start. */
export class AggregationConfig extends ServiceConfig {}

export function loadAggregationConfig(env: NodeJS.ProcessEnv = process.env): AggregationConfig {
  return loadConfig(AggregationConfig, env);
}
