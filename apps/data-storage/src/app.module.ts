import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { DataStorageConfig } from './config';
import { DATA_STORAGE_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: DataStorageConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'data-storage', config, logger, persistence: DATA_STORAGE_PERSISTENCE }),
    };
  }
}
