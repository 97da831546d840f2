// What every analysis does around its computation, whatever its kind: a retry answered from the
// stored result, the per-user quota before it starts, and after it the on-chain record (answered
// after commit, or found on the chain when the answer was lost) and the stored result, read back for
// whoever may. Shared by the summary analysis, the models and the queries of a result.
import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AggregationErrorCode, enforceQuota, isAmbiguous, ledgerUnavailable, PhdmfError, requireActor, settle, type ActingUser, type AnyAnalysisResult, type LedgerRecordAnalysis } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { countAnalysis } from '@phdmf/observability';
import { LOGGER } from '../../aggregation.tokens';
import { AggregationConfig } from '../../config';
import { AnalysisPolicy } from '../domain/actor';
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
   * A retry's stored result (replayed), else the analysis run and counted: one metric of analyses
   * run, summaries and models alike, by datasets and outcome. The Idempotency-Key binds the edge's
   * path and body, so a summary's key names a summary and a model's a model of that kind: the cast holds.
   */
  async replayOrRun<R extends AnyAnalysisResult>(datasets: readonly string[], run: () => Promise<R>): Promise<R> {
    const replayed = (await this.replayed()) as R | undefined;
    return replayed ?? countAnalysis(datasets.length > 1 ? 'multi-dataset' : 'single-dataset', run);
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

  /** Stores the recorded result (read back whole by `readable`). */
  async store(result: AnyAnalysisResult): Promise<void> {
    await this.orm.em.fork().persist(Analysis.of(result)).flush();
  }

  /** A stored result, if the actor may read it; otherwise NOT_FOUND, as for an id never used (ids cannot be probed). */
  async readable(analysisId: string, actor: ActingUser | undefined): Promise<AnyAnalysisResult> {
    const who = requireActor(actor);
    const analysis = await this.orm.em.fork().findOne(Analysis, { analysisId });
    if (!analysis || !AnalysisPolicy.mayRead(who, analysis.requester)) {
      throw new PhdmfError(AggregationErrorCode.NOT_FOUND, 'No such analysis', { analysisId });
    }
    return analysis.toResult();
  }
}
