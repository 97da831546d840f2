import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { Logger } from '@phdmf/logging';
import { NodeRegistryConfig } from '../../config';
import { LOGGER } from '../../registry.tokens';
import { Institution } from '../domain/institution';
import { StorageNodeProbe } from './storage-node-probe';

/** Probes every admitted node periodically, so node information shows a recent heartbeat. */
@Injectable()
export class HeartbeatMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly orm: MikroORM,
    private readonly probe: StorageNodeProbe,
    private readonly config: NodeRegistryConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.HEARTBEAT_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, this.config.HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<void> {
    try {
      const em = this.orm.em.fork();
      for (const institution of await em.find(Institution, {})) {
        institution.recordTest(await this.probe.probe(institution));
      }
      await em.flush();
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat sweep failed');
    }
  }
}
