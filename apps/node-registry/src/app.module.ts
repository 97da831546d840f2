import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import { NodeRegistryConfig } from './config';
import { MembershipModule } from './membership/membership.module';
import { NODE_REGISTRY_PERSISTENCE } from './persistence';
import { LOGGER } from './registry.tokens';

/** Makes the validated configuration and the logger injectable everywhere in the service. */
@Global()
@Module({})
class ConfigModule {
  static of(config: NodeRegistryConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: NodeRegistryConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [NodeRegistryConfig, LOGGER],
    };
  }
}

export class AppModule {
  static forRoot(config: NodeRegistryConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.of(config, logger), ...(coreModules({ service: 'node-registry', config, logger, persistence: NODE_REGISTRY_PERSISTENCE }) ?? []), MembershipModule],
    };
  }
}
