// What every analysis does around its computation, whatever its kind: the per-user quota before it
// starts, and after it the on-chain record (answered after commit, or found on the chain when the
// answer was lost) and the stored result. Shared by the summary analysis and the models.
import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AggregationErrorCode, enforceQuota, isAmbiguous, ledgerUnavailable, PhdmfError, settle, type AnyAnalysisResult, type LedgerRecordAnalysis } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../aggregation.tokens';
import { AggregationConfig } from '../../config';
import { Analysis } from '../domain/analysis';
import { LedgerClient } from '../infrastructure/ledger-client';

const RUN_AGAIN = 'the analysis was not recorded; run it again';

@Injectable()
export class AnalysisRecords {
  constructor(
    private readonly orm: MikroORM,
    private readonly ledger: LedgerClient,
    private readonly config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Counted from the service's own analyses table (every kind), so the quota survives restarts and replicas. */
  async enforceQuota(requester: string): Promise<void> {
    const now = new Date();
    const quota = { what: 'analyses', limit: this.config.ANALYSES_PER_HOUR, windowSeconds: 3_600 };
    const recent = await this.orm.em.fork().find(
      Analysis,
      { requester, createdAt: { $gt: new Date(now.getTime() - quota.windowSeconds * 1000) } },
      { orderBy: { createdAt: 'desc' }, limit: quota.limit, fields: ['createdAt'] },
    );
    enforceQuota(quota, recent.map((a) => a.createdAt), now);
  }

  /**
   * Records the analysis on the ledger. When the ledger's answer does not come (a timeout, a ledger
   * restarting), the record may still have committed: the ledger is asked for it by id for a while,
   * so a committed record completes the analysis instead of leaving it on-chain with its result lost.
   * Only when it is not found does the researcher get LEDGER.UNAVAILABLE (retryable).
   */
  async record(p: LedgerRecordAnalysis.Payload, log: Logger = this.logger): Promise<{ txId: string; blockNumber: number }> {
    try {
      return await this.ledger.recordAnalysis(p);
    } catch (error) {
      // A record never delivered (no responders) cannot have committed: answered at once; a refusal as it is.
      if (!isAmbiguous(error)) throw ledgerUnavailable(error, RUN_AGAIN);
      log.warn({ code: error.code }, 'no answer to the analysis record; asking the ledger whether it committed');
      const found = await settle(() => this.ledger.getAnalysis(p.analysisId), this.config.RECORD_SETTLE_MS);
      if (found?.resultHash !== p.resultHash) throw ledgerUnavailable(error, RUN_AGAIN);
      return { txId: found.txId, blockNumber: (await this.ledger.getTransaction(found.txId)).blockNumber };
    }
  }

  /**
   * A retry (same Idempotency-Key) of an analysis whose record committed: the stored result of that
   * analysis, so that it is neither computed nor recorded again. Undefined when it is no retry of a
   * recorded analysis. Recorded but not stored (this service stopped in between): refused, since the
   * released numbers cannot be computed again alike (noise, data changed); a new key runs a new analysis.
   */
  async replayed(): Promise<AnyAnalysisResult | undefined> {
    const first = await this.ledger.firstRecord();
    if (first === undefined) return undefined;
    const stored = await this.orm.em.fork().findOne(Analysis, { analysisId: first.record.analysisId });
    if (stored === null) {
      throw new PhdmfError(AggregationErrorCode.NOT_FOUND, `Analysis ${first.record.analysisId} was recorded on-chain (${first.txId}) but its result was not kept; run it again with a new Idempotency-Key`, {
        analysisId: first.record.analysisId,
        txId: first.txId,
      });
    }
    return stored.toResult();
  }

  /** Stores the recorded result (read back whole by get-analysis). */
  async store(result: AnyAnalysisResult): Promise<void> {
    await this.orm.em.fork().persist(Analysis.of(result)).flush();
  }
}
