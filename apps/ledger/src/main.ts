import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadLedgerConfig } from './config';

void runService({
  service: 'ledger',
  loadConfig: () => loadLedgerConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
