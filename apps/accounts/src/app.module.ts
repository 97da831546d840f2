import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import { LOGGER } from './accounts.tokens';
import { AccountsConfig } from './config';
import { ACCOUNTS_PERSISTENCE } from './persistence';
import { UsersModule } from './users/users.module';

/** Makes the validated configuration and the logger injectable everywhere in the service. */
@Global()
@Module({})
class ConfigModule {
  static of(config: AccountsConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AccountsConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [AccountsConfig, LOGGER],
    };
  }
}

export class AppModule {
  static forRoot(config: AccountsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.of(config, logger),
        ...(coreModules({ service: 'accounts', config, logger, persistence: ACCOUNTS_PERSISTENCE, events: { consume: false } }) ?? []),
        UsersModule,
      ],
    };
  }
}
