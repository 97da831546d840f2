import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
// Importing the module loads the chaincode (fabric-contract-api), which installs process-wide
// handlers that log uncaught errors and carry on. runService, called below and so after this
// import, replaces them with handlers that stop the process (exitOnUnexpectedErrors); the order
// matters and is checked by main.spec.ts.
import { AppModule } from './app.module';
import { loadLedgerConfig } from './config';

void runService({
  service: 'ledger',
  loadConfig: () => loadLedgerConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
