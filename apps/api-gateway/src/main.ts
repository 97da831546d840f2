import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadApiGatewayConfig } from './config';

void runService({
  service: 'api-gateway',
  loadConfig: () => loadApiGatewayConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  http: (config) => ({ host: config.HTTP_HOST, port: config.HTTP_PORT }),
});
