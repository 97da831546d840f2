import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the authorization service, read from the environment and validated at start. */
export class AuthorizationConfig extends ServiceConfig {}

export function loadAuthorizationConfig(env: NodeJS.ProcessEnv = process.env): AuthorizationConfig {
  return loadConfig(AuthorizationConfig, env);
}
