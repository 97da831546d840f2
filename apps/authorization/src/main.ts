import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadAuthorizationConfig } from './config';

void runService({
  service: 'authorization',
  loadConfig: () => loadAuthorizationConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
