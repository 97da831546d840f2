import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the node-registry service, read from the environment and validated at start. */
export class NodeRegistryConfig extends ServiceConfig {}

export function loadNodeRegistryConfig(env: NodeJS.ProcessEnv = process.env): NodeRegistryConfig {
  return loadConfig(NodeRegistryConfig, env);
}
