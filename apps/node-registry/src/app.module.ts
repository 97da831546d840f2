import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { NodeRegistryConfig } from './config';
import { NODE_REGISTRY_PERSISTENCE } from './persistence';

export class AppModule {
  static forRoot(config: NodeRegistryConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'node-registry', config, logger, persistence: NODE_REGISTRY_PERSISTENCE }),
    };
  }
}
