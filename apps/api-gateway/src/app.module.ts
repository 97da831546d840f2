import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import type { ApiGatewayConfig } from './config';
import { HealthController } from './health/health.controller';

/** The REST edge owns no data: it authenticates, validates and turns HTTP calls into NATS messages. */
export class AppModule {
  static forRoot(config: ApiGatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules({ service: 'api-gateway', config, logger }),
      controllers: [HealthController],
    };
  }
}
