import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadAccountsServiceConfig } from './config';

void runService({
  service: 'accounts',
  loadConfig: () => loadAccountsServiceConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
