import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { AccountsConfig } from './config';
import { ACCOUNTS_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: AccountsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'accounts', config, logger, persistence: ACCOUNTS_PERSISTENCE }),
    };
  }
}
