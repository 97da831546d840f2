import 'reflect-metadata';
import { runService } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadAggregationConfig } from './config';

void runService({
  service: 'aggregation',
  loadConfig: () => loadAggregationConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
});
