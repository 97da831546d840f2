import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadDataStorageConfig, type DataStorageConfig } from './config';
import { configureSiteHttp, siteHttpOptions } from './http';

// The HTTP set-up needs the validated configuration (the console's origin for CORS).
let loaded: DataStorageConfig | undefined;

void runService({
  service: 'data-storage',
  loadConfig: () => (loaded = loadDataStorageConfig()),
  module: (config, logger) => AppModule.forRoot(config, logger),
  // The local API for the institution's own users: its own HTTP listener at the site.
  http: siteHttpOptions,
  configure: (app) => {
    configureSiteHttp(app, loaded?.corsOrigins ?? []);
  },
});
