import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { LedgerConfig } from './config';
import { LEDGER_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: LedgerConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'ledger', config, logger, persistence: LEDGER_PERSISTENCE }),
    };
  }
}
