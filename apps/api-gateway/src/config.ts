import { Type } from 'class-transformer';
import { IsInt, IsIP, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the REST edge, read from the environment and validated at start. */
export class ApiGatewayConfig extends ServiceConfig {
  /** Loopback by default: exposing the edge is a deliberate act (an ingress, a reverse proxy). */
  @IsIP()
  HTTP_HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65_535)
  HTTP_PORT = 3000;
}

export function loadApiGatewayConfig(env: NodeJS.ProcessEnv = process.env): ApiGatewayConfig {
  return loadConfig(ApiGatewayConfig, env);
}
