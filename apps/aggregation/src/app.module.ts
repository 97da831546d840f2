import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import { LOGGER } from './aggregation.tokens';
import { AnalysesModule } from './analyses/analyses.module';
import { AggregationConfig } from './config';
import { AGGREGATION_PERSISTENCE } from './persistence';

/** Makes the validated configuration and the logger injectable everywhere in the service. */
@Global()
@Module({})
class ConfigModule {
  static of(config: AggregationConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AggregationConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [AggregationConfig, LOGGER],
    };
  }
}

export class AppModule {
  static forRoot(config: AggregationConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.of(config, logger), ...(coreModules({ service: 'aggregation', config, logger, persistence: AGGREGATION_PERSISTENCE, events: { consume: false } }) ?? []), AnalysesModule],
    };
  }
}
