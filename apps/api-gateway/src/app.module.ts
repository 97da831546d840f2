import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { BusJwksSource, TokenVerifier } from '@phdmf/auth';
import type { Logger } from '@phdmf/logging';
import { coreModules, MessageBus } from '@phdmf/messaging';
import { AnalysesController } from './analyses/analyses.controller';
import { AuthenticationController } from './auth/authentication.controller';
import { EdgeBus } from './bus/edge-bus';
import { JwtAuthGuard, RolesGuard } from './auth/guards';
import { UsersController } from './auth/users.controller';
import { ApiGatewayConfig } from './config';
import { EdgeThrottlerGuard } from './edge/edge-throttler.guard';
import { throttlerOptions } from './edge/throttling';
import { EventFeed } from './events/event-feed';
import { EventVisibility } from './events/event-visibility';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { ApplicationsController } from './membership/applications.controller';
import { InstitutionsController } from './membership/institutions.controller';
import { AccessRequestsController } from './market/access-requests.controller';
import { MarketController } from './market/market.controller';
import { ProvenanceController } from './provenance/provenance.controller';

@Global()
@Module({})
class EdgeConfigModule {
  static of(config: ApiGatewayConfig): DynamicModule {
    return { module: EdgeConfigModule, providers: [{ provide: ApiGatewayConfig, useValue: config }], exports: [ApiGatewayConfig] };
  }
}

/** Every controller of the edge (its HTTP surface; the document-coverage test walks them all). */
export const EDGE_CONTROLLERS = [HealthController, AuthenticationController, UsersController, ApplicationsController, InstitutionsController, AnalysesController, MarketController, AccessRequestsController, ProvenanceController, EventsController];

/** The REST edge owns no data: it authenticates, validates and turns HTTP calls into NATS messages. */
export class AppModule {
  static forRoot(config: ApiGatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [EdgeConfigModule.of(config), ...(coreModules({ service: 'api-gateway', config, logger }) ?? []), ThrottlerModule.forRoot(throttlerOptions(config))],
      controllers: EDGE_CONTROLLERS,
      providers: [
        EdgeBus,
        EventFeed,
        EventVisibility,
        JwtAuthGuard,
        RolesGuard,
        EdgeThrottlerGuard,
        {
          provide: TokenVerifier,
          // Keys come from accounts over NATS and are cached: no call to accounts per request.
          useFactory: (bus: MessageBus) =>
            new TokenVerifier(new BusJwksSource(bus, { ttlMs: config.JWKS_CACHE_TTL_MS }), { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
          inject: [MessageBus],
        },
      ],
    };
  }
}
