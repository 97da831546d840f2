import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { AggregationConfig } from './config';
import { AGGREGATION_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: AggregationConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'aggregation', config, logger, persistence: AGGREGATION_PERSISTENCE }),
    };
  }
}
