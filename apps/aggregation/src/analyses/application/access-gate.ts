import { Inject, Injectable } from '@nestjs/common';
import { AggregationErrorCode, LedgerChaincodeErrorCode, PhdmfError, type LedgerColumnGrid, type LedgerPrivacyMode, type LedgerStatistic } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../aggregation.tokens';
import { admitFromProjection, type Admitted } from '../domain/grant-check';
import { LedgerClient } from '../infrastructure/ledger-client';
import { ProjectionStore } from '../infrastructure/projection-store';

/** A dataset cleared for an analysis: what to ask, where, and what its answer must say. */
export interface ClearedDataset {
  datasetId: string;
  ownerMemberId: string;
  nodeId: string;
  publicKeyPem: string;
  sha256: string;
  datasetVersion: number;
  grantRequestId: string;
  /** The owner's declared histogram grids (on-chain): a site's histogram must come back on them. */
  columnGrids: LedgerColumnGrid[];
  /** The grant's privacy mode (on-chain): `dp` analyses reserve budget before any site is asked. */
  privacyMode: LedgerPrivacyMode;
}

/**
 * Clears one dataset for one requester's analysis, before any summary request is sent. Two
 * independent checks must both pass:
 *
 * 1. the projection of committed ledger events: the dataset active, its owner's node known, a grant
 *    of the requester in force covering the columns and statistics. When the projection refuses,
 *    it may only be behind (the grant committed a moment ago, its event not yet consumed), so the
 *    dataset's records are caught up from the ledger's queries and the projection decides again;
 * 2. the ledger itself (`LedgerCheckAccess`, and the dataset's current record), which also names
 *    the grant and the hash and version the node's signed summary must carry.
 *
 * A refusal carries the ledger's code and names the dataset.
 */
@Injectable()
export class AccessGate {
  constructor(
    private readonly store: ProjectionStore,
    private readonly ledger: LedgerClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async clear(datasetId: string, requester: string, columns: readonly string[], statistics: LedgerStatistic[]): Promise<ClearedDataset> {
    const decide = async () => admitFromProjection(await this.store.view(datasetId, requester), requester, Date.now(), columns, statistics);
    let verdict = await decide();
    if ('refusal' in verdict) {
      await this.catchUp(datasetId, requester, columns, statistics);
      verdict = await decide();
      if ('refusal' in verdict) throw new PhdmfError(verdict.refusal.code, verdict.refusal.reason, { datasetId });
    }
    return this.confirmWithLedger(verdict.admitted, datasetId, requester, columns, statistics);
  }

  private async confirmWithLedger(admitted: Admitted, datasetId: string, requester: string, columns: readonly string[], statistics: LedgerStatistic[]): Promise<ClearedDataset> {
    const [check, onChain] = await Promise.all([this.ledger.checkAccess({ datasetId, requester, columns: [...columns], statistics }), this.ledger.getDataset(datasetId)]);
    if (!check.inForce) throw new PhdmfError(check.code, `dataset "${datasetId}": ${check.reason}`, { datasetId });
    if (onChain.status !== 'active') {
      const code = onChain.status === 'deleted' ? LedgerChaincodeErrorCode.DatasetDeleted : LedgerChaincodeErrorCode.DatasetTampered;
      throw new PhdmfError(code, `dataset "${datasetId}" is ${onChain.status} on the ledger`, { datasetId });
    }
    if (onChain.ownerMemberId !== admitted.dataset.ownerMemberId) {
      // Owners never change on-chain; a projection that disagrees is wrong, and nothing is sent on it.
      throw new PhdmfError(AggregationErrorCode.NODE_UNKNOWN, `dataset "${datasetId}": the ledger names owner "${onChain.ownerMemberId}", the projection "${admitted.dataset.ownerMemberId}"`, { datasetId });
    }
    if (onChain.version !== admitted.dataset.version || onChain.sha256 !== admitted.dataset.sha256) {
      // A new version committed since the projection last heard: the ledger's current one is what the node must have re-hashed.
      await this.store.catchUp({ datasets: [onChain] }).catch((error: unknown) => {
        this.logger.warn({ err: error, datasetId }, 'could not update the projection with the current dataset record');
      });
    }
    return {
      datasetId,
      ownerMemberId: onChain.ownerMemberId,
      nodeId: admitted.nodeId,
      publicKeyPem: admitted.publicKeyPem,
      sha256: onChain.sha256,
      datasetVersion: onChain.version,
      grantRequestId: check.grant.requestId,
      columnGrids: onChain.columnGrids ?? [],
      privacyMode: check.grant.grant?.privacyMode ?? 'controlled',
    };
  }

  /** Reads the dataset's current records from the ledger into the projection; a refusal there is final. */
  private async catchUp(datasetId: string, requester: string, columns: readonly string[], statistics: LedgerStatistic[]): Promise<void> {
    const dataset = await this.ledger.getDataset(datasetId);
    const check = await this.ledger.checkAccess({ datasetId, requester, columns: [...columns], statistics });
    if (!check.inForce) throw new PhdmfError(check.code, `dataset "${datasetId}": ${check.reason}`, { datasetId });
    const owner = await this.ledger.getMember(dataset.ownerMemberId).catch((error: unknown) => {
      if (error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.MemberNotFound) return undefined;
      throw error;
    });
    await this.store.catchUp({ datasets: [dataset], requests: [check.grant], ...(owner ? { members: [owner] } : {}) }).catch((error: unknown) => {
      // Most likely the chain event landed at the same moment (same primary key); the view re-reads either way.
      this.logger.debug({ err: error, datasetId }, 'catch-up write lost a race with an event');
    });
  }
}
