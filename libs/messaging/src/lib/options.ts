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
  /** How long the first connection to NATS is tried again before the service gives up (SERVICE_START_TIMEOUT_MS; lib/connection.ts). */
  startTimeoutMs?: number;
  logger: Logger;
  events?: {
    /**
     * Consume integration events through the service's durable consumer (needs MikroORM for the
     * idempotency record). The durable and its settings are provisioned by the platform
     * (events/event-stream.ts), not by the service.
     */
    consume: boolean;
  };
  outbox?: {
    /** Relay stored outbox rows to JetStream (needs MikroORM). */
    relay: boolean;
    pollIntervalMs?: number;
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
