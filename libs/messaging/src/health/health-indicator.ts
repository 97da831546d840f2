import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { NATS_CONNECTION } from '../lib/options';

/** One dependency a service reports on in its health answer. */
export interface HealthIndicator {
  readonly name: string;
  isUp(): Promise<boolean>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

/** NATS is up when the connection is open and the server answers a round trip. */
@Injectable()
export class NatsHealthIndicator implements HealthIndicator {
  readonly name = 'nats';

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async isUp(): Promise<boolean> {
    if (this.nc.isClosed() || this.nc.isDraining()) return false;
    try {
      await this.nc.flush();
      return true;
    } catch {
      return false;
    }
  }
}
