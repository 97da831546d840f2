import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadDataStorageConfig } from './config';
import { configureSiteHttp, siteHttpOptions } from './http';

void runService({
  service: 'data-storage',
  loadConfig: () => loadDataStorageConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  // The local API for the institution's own users: its own HTTP listener at the site.
  http: siteHttpOptions,
  configure: configureSiteHttp,
});
