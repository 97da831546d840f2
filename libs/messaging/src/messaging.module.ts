import { type DynamicModule, Inject, Injectable, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { NatsConnection } from 'nats';
import { CqrsEventBridge } from './events/cqrs-event-bridge';
import { EventConsumer } from './events/event-consumer';
import { EventPublisher } from './events/event-publisher';
import { Inbox } from './events/inbox';
import { HEALTH_INDICATORS, NatsHealthIndicator, type HealthIndicator } from './health/health-indicator';
import { healthControllerFor } from './health/health';
import { connectNats } from './lib/connection';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from './lib/options';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { MessageBus } from './rpc/message-bus';
import { NatsRpcServer } from './rpc/nats-rpc.server';

export interface MessagingModuleOptions extends MessagingOptions {
  /** Software version reported by the health query. */
  version: string;
  /** Further health indicators (the database, for instance), as providers of this module. */
  healthIndicators?: Type<HealthIndicator>[];
  /**
   * Answer the service's health query (`phdmf.<service>.qry.health.v1`); default true. False for a
   * service many instances of which share the bus as different parties (storage sites): one shared
   * subject would let any of them answer for another, so each answers its own node-info query.
   */
  healthQuery?: boolean;
}

/** Drains the NATS connection last, after consumers and servers stopped using it. */
@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain();
  }
}

/**
 * The messaging layer of one service: its NATS connection, request/reply (MessageBus and the
 * NatsRpcServer transport), the event stream, and — for services with a database — the outbox
 * relay and the durable, idempotent event consumer bridged to @nestjs/cqrs handlers.
 */
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    // Configuring events or the outbox at all means the service has a database for their tables.
    const usesDatabase = options.events !== undefined || options.outbox !== undefined;
    const extraIndicators = options.healthIndicators ?? [];
    const providers: Provider[] = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      // The event stream is the platform's to create (events/event-stream.ts), not the service's.
      { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
      {
        provide: NatsRpcServer,
        useFactory: (nc: NatsConnection) => new NatsRpcServer(nc, options.instanceGroup ?? options.service, options.logger),
        inject: [NATS_CONNECTION],
      },
      NatsConnectionCloser,
      MessageBus,
      EventPublisher,
      NatsHealthIndicator,
      ...extraIndicators,
      {
        provide: HEALTH_INDICATORS,
        useFactory: (...indicators: HealthIndicator[]) => indicators,
        inject: [NatsHealthIndicator, ...extraIndicators],
      },
      ...(usesDatabase ? [Outbox, OutboxRelay, Inbox, CqrsEventBridge, EventConsumer] : []),
    ];
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: options.healthQuery === false ? [] : [healthControllerFor(options.service, options.version)],
      providers,
      exports: [MESSAGING_OPTIONS, NATS_CONNECTION, NatsRpcServer, MessageBus, EventPublisher, HEALTH_INDICATORS, ...(usesDatabase ? [Outbox, Inbox, EventConsumer, OutboxRelay] : [])],
    };
  }
}
