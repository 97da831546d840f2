import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../aggregation.tokens';
import { AggregationConfig } from '../../config';
import { LedgerClient } from './ledger-client';
import { ProjectionStore } from './projection-store';

/**
 * On start, reads every dataset and member from the ledger into the projection, so that a
 * service started after events were trimmed from the stream (or with a new database) still knows
 * them. Access requests have no list query on the ledger: they come from the events, and the
 * access gate catches up one dataset's grant from the ledger when the projection lacks it. A
 * ledger that is not up yet is retried in the background; the service answers meanwhile.
 */
@Injectable()
export class ProjectionCatchUp implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly ledger: LedgerClient,
    private readonly store: ProjectionStore,
    private readonly config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.attempt();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One catch-up; resolves true when it read and applied everything. */
  async run(): Promise<boolean> {
    try {
      const [{ datasets }, { members }] = await Promise.all([this.ledger.listDatasets(), this.ledger.listMembers()]);
      if (this.isStopped()) return false;
      await this.store.catchUp({ datasets, members });
      this.logger.info({ datasets: datasets.length, members: members.length }, 'projection caught up from the ledger');
      return true;
    } catch (error) {
      if (!this.isStopped()) this.logger.warn({ err: error }, 'projection catch-up from the ledger failed; retrying');
      return false;
    }
  }

  // A method rather than `this.stopped` inline: the flag changes while a catch-up awaits.
  private isStopped(): boolean {
    return this.stopped;
  }

  private async attempt(): Promise<void> {
    if (this.isStopped() || (await this.run()) || this.isStopped()) return;
    this.timer = setTimeout(() => void this.attempt(), this.config.CATCH_UP_RETRY_MS);
  }
}
