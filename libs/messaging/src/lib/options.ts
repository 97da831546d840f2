import type { ServiceName } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';

/** How a service connects to the bus. Built from the service's validated config.ts. */
export interface MessagingOptions {
  service: ServiceName;
  /** Used for NATS queue groups and the durable consumer name; defaults to the service name. */
  instanceGroup?: string;
  servers: string[];
  /** How this service proves who it is to NATS, and where its replies arrive. */
  credsFile?: string;
  nkeySeedFile?: string;
  inboxPrefix?: string;
  requestTimeoutMs: number;
  logger: Logger;
  events?: {
    /** Consume integration events with a durable consumer (needs MikroORM for the idempotency record). */
    consume: boolean;
    /**
     * Deliver one event at a time, in stream order, and retry a failing one before any later one.
     * Projections of ledger events need that order; a service that does not can raise the limit.
     */
    maxAckPending?: number;
  };
  outbox?: {
    /** Relay stored outbox rows to JetStream (needs MikroORM). */
    relay: boolean;
    pollIntervalMs?: number;
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
