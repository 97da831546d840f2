import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { LedgerProvenanceOperation } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../authorization.tokens';
import { AuthorizationConfig } from '../../config';
import { AccessRequest } from '../domain/access-request';
import { MarketDataset, MarketInstitution } from '../domain/market-dataset';
import { LedgerClient } from './ledger-client';
import { Projection } from './projection';

const ACCESS_OPERATIONS: readonly LedgerProvenanceOperation[] = ['request', 'grant', 'deny', 'revoke'];

/** What one catch-up found on the ledger and had to apply. */
export interface CatchUpReport {
  members: number;
  datasets: number;
  requests: number;
  /** Records that were missing from the projection or behind the ledger, and were applied. */
  applied: number;
}

/**
 * Brings the projection up to the ledger's committed state from the ledger's own queries: every
 * member, every dataset's current record, and every access request its provenance names. The bus
 * events keep the projection current; this covers what they cannot — a service started after the
 * stream dropped old events, or a projection restored from an old backup. It runs at start (in the
 * background, retried until the ledger answers) and concurrently with the event consumer: both
 * apply records idempotently and in order, so neither undoes the other.
 */
@Injectable()
export class LedgerCatchUp implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  /** Resolves with the first successful catch-up (tests wait on it). */
  readonly done: Promise<CatchUpReport>;
  private resolveDone!: (report: CatchUpReport) => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly ledger: LedgerClient,
    private readonly projection: Projection,
    private readonly config: AuthorizationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  onApplicationBootstrap(): void {
    if (this.config.CATCH_UP_ON_START !== 'true') return;
    this.running = this.untilDone();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.running;
  }

  private async untilDone(): Promise<void> {
    while (!this.isStopped()) {
      try {
        const report = await this.catchUp();
        this.logger.info(report, 'projection caught up with the ledger');
        this.resolveDone(report);
        return;
      } catch (error) {
        if (this.isStopped()) return;
        this.logger.warn({ err: error, retryInMs: this.config.CATCH_UP_RETRY_MS }, 'could not catch up with the ledger yet; will retry');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.config.CATCH_UP_RETRY_MS);
        });
      }
    }
  }

  // A method rather than the flag inline: the flag changes while the loop awaits.
  private isStopped(): boolean {
    return this.stopped;
  }

  /** One pass over the ledger; records the projection already shows are skipped without further reads. */
  async catchUp(): Promise<CatchUpReport> {
    const report: CatchUpReport = { members: 0, datasets: 0, requests: 0, applied: 0 };
    const members = await this.ledger.members();
    report.members = members.length;
    for (const member of members) {
      if (member.status !== 'active') continue;
      const shown = await this.orm.em.fork().findOne(MarketInstitution, { memberId: member.memberId });
      if (shown?.txId === member.txId) continue;
      const blockNumber = await this.ledger.blockOf(member.txId);
      await this.projection.commit((em) => this.projection.applyMember(em, member, blockNumber));
      report.applied += 1;
    }
    const datasets = await this.ledger.datasets();
    report.datasets = datasets.length;
    for (const record of datasets) {
      const shown = await this.orm.em.fork().findOne(MarketDataset, { datasetId: record.datasetId });
      if (shown?.txId !== record.txId) {
        const blockNumber = await this.ledger.blockOf(record.txId);
        await this.projection.commit((em) => this.projection.applyDataset(em, record, blockNumber));
        report.applied += 1;
      }
      report.requests += await this.catchUpRequests(record.datasetId, report);
    }
    return report;
  }

  /** The access requests of one dataset, found through its provenance (the ledger has no list of them). */
  private async catchUpRequests(datasetId: string, report: CatchUpReport): Promise<number> {
    const latest = new Map<string, { txId: string; blockNumber: number }>();
    for (const entry of await this.ledger.provenance(datasetId)) {
      if (entry.referenceId !== undefined && ACCESS_OPERATIONS.includes(entry.operation)) latest.set(entry.referenceId, { txId: entry.txId, blockNumber: entry.blockNumber });
    }
    for (const [requestId, last] of latest) {
      const shown = await this.orm.em.fork().findOne(AccessRequest, { requestId });
      if (shown?.txId === last.txId) continue;
      const record = await this.ledger.accessRequest(requestId);
      if (!record) continue;
      const blockNumber = record.txId === last.txId ? last.blockNumber : await this.ledger.blockOf(record.txId);
      await this.projection.commit((em) => this.projection.applyRequest(em, record, blockNumber));
      report.applied += 1;
    }
    return latest.size;
  }
}
