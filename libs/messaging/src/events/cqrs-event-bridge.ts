import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { IEventHandler } from '@nestjs/cqrs';
import { EVENTS_HANDLER_METADATA } from '@nestjs/cqrs/dist/decorators/constants';
import { eventContractOf, type AnyEventContract, type PayloadClass } from '@phdmf/contracts';

export interface BoundHandler {
  name: string;
  handle: (event: object) => Promise<void>;
}

/**
 * Connects integration events to @nestjs/cqrs: every `@EventsHandler(SomeEvent.Payload)` whose
 * payload class belongs to an event contract receives that event from JetStream. The bridge calls
 * the handlers itself and awaits them, rather than going through EventBus.publish, because the
 * EventBus runs handlers fire-and-forget and would ack a message whose handler then failed.
 */
@Injectable()
export class CqrsEventBridge implements OnApplicationBootstrap {
  private readonly bySubject = new Map<string, { contract: AnyEventContract; handlers: BoundHandler[] }>();

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      if (typeof metatype !== 'function' || !instance) continue;
      const events = Reflect.getMetadata(EVENTS_HANDLER_METADATA, metatype) as PayloadClass<object>[] | undefined;
      if (!events) continue;
      for (const eventClass of events) {
        const contract = eventContractOf(eventClass);
        if (!contract) continue; // a local-only CQRS event: the EventBus handles it
        const handler = instance as IEventHandler<object>;
        const entry = this.bySubject.get(contract.subject) ?? { contract, handlers: [] };
        entry.handlers.push({ name: metatype.name, handle: async (event) => { await handler.handle(event); } });
        this.bySubject.set(contract.subject, entry);
      }
    }
  }

  /** The contract and handlers for a subject, or undefined when this service does not listen to it. */
  route(subject: string): { contract: AnyEventContract; handlers: BoundHandler[] } | undefined {
    return this.bySubject.get(subject);
  }

  subjects(): string[] {
    return [...this.bySubject.keys()];
  }
}
