import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadAccountsConfig } from './config';

void runService({
  service: 'accounts',
  loadConfig: () => loadAccountsConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
