import 'reflect-metadata';
import type { Logger } from '@phdmf/logging';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadApiGatewayConfig, type ApiGatewayConfig } from './config';
import { configureHttp } from './edge/configure-http';

// runService validates the configuration and creates the logger; the HTTP set-up needs both.
let started: { config: ApiGatewayConfig; logger: Logger } | undefined;

void runService({
  service: 'api-gateway',
  loadConfig: () => loadApiGatewayConfig(),
  module: (config, logger) => {
    started = { config, logger };
    return AppModule.forRoot(config, logger);
  },
  http: (config) => ({ host: config.HTTP_HOST, port: config.HTTP_PORT }),
  configure: (app) => {
    if (!started) throw new Error('configuration not loaded');
    configureHttp(app, started.config, started.logger);
  },
});
