import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import { LOGGER } from './authorization.tokens';
import { AuthorizationConfig } from './config';
import { MarketModule } from './market/market.module';
import { AUTHORIZATION_PERSISTENCE } from './persistence';

/** Makes the validated configuration and the logger injectable everywhere in the service. */
@Global()
@Module({})
class ConfigModule {
  static of(config: AuthorizationConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AuthorizationConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [AuthorizationConfig, LOGGER],
    };
  }
}

export class AppModule {
  static forRoot(config: AuthorizationConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.of(config, logger), ...(coreModules({ service: 'authorization', config, logger, persistence: AUTHORIZATION_PERSISTENCE }) ?? []), MarketModule],
    };
  }
}
