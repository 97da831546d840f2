import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadDataStorageConfig } from './config';

void runService({
  service: 'data-storage',
  loadConfig: () => loadDataStorageConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
