import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { AuthorizationConfig } from './config';
import { AUTHORIZATION_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: AuthorizationConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'authorization', config, logger, persistence: AUTHORIZATION_PERSISTENCE }),
    };
  }
}
