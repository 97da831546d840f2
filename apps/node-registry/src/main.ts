import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadNodeRegistryConfig } from './config';

void runService({
  service: 'node-registry',
  loadConfig: () => loadNodeRegistryConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
