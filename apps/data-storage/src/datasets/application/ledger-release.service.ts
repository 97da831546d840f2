import { Injectable, Inject } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson, CommonErrorCode, PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import type { ActorHeader } from '@phdmf/messaging';
import type { ColumnSchema } from '../domain/csv-inspector';
import type { DatasetRow, DatasetVersionRow } from '../infrastructure/persistence/dataset.entity';
import { DatasetRepository, schemaOf } from '../infrastructure/persistence/dataset.repository';
import { LedgerGateway } from '../infrastructure/ledger/ledger-gateway';
import { STORAGE_LOGGER } from '../storage.tokens';

/** Digest of a schema as recorded on-chain: SHA-256 of its canonical JSON. */
export function schemaDigest(columns: ColumnSchema[]): string {
  return createHash('sha256').update(canonicalJson(columns)).digest('hex');
}

/**
 * Records a stored version on the ledger and keeps the node's view of it in step. A version counts
 * as released only once the ledger answers that the transaction is committed; any failure leaves
 * it unreleased, with the ledger's code and message stored where the local API shows them.
 */
@Injectable()
export class LedgerReleaseService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly ledger: LedgerGateway,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  async release(dataset: DatasetRow, version: DatasetVersionRow, actor: ActorHeader): Promise<DatasetRow> {
    const columns = schemaOf(version);
    const payload = {
      datasetId: dataset.id,
      version: version.version,
      fileName: version.fileName,
      sha256: version.sha256,
      rowCount: version.rowCount,
      columnCount: version.columnCount,
      schemaDigest: version.schemaDigest,
      operator: version.operator,
      description: version.description,
      name: dataset.name,
      columns: columns.map((c) => c.name),
      // The market shows each dataset's schema from committed ledger records only, so the types go on-chain too.
      columnTypes: columns.map((c) => c.type),
      // The declared grids too: a site answers histograms only on the grid the chain holds.
      ...(columns.some((c) => c.grid) ? { columnGrids: columns.flatMap((c) => (c.grid ? [{ column: c.name, ...c.grid }] : [])) } : {}),
    };
    try {
      // The first committed version is an add; any later one an update (which also clears a tamper finding).
      let committed: { txId: string; blockNumber: number };
      try {
        committed = dataset.releasedVersion === null ? await this.ledger.addDataset(payload, actor) : await this.ledger.updateDataset(payload, actor);
      } catch (error) {
        // The transaction may have committed although no answer came back (a timeout, a crash of
        // this node before it stored the answer, then a retry that the ledger refuses as a
        // duplicate). The ledger is the authority: if it holds exactly this version, it is released.
        const onChain = await this.ledger.getDataset(dataset.id).catch(() => undefined);
        if (onChain?.version !== version.version || onChain.sha256 !== version.sha256 || onChain.ownerMemberId !== dataset.ownerOrganisationId) throw error;
        committed = { txId: onChain.txId, blockNumber: -1 };
      }
      this.log.info({ datasetId: dataset.id, version: version.version, txId: committed.txId, blockNumber: committed.blockNumber }, 'dataset version committed on the ledger');
      return await this.datasets.update(dataset.id, (d, versions) => {
        const v = versions.find((x) => x.version === version.version);
        if (v) {
          v.releaseState = 'committed';
          v.txId = committed.txId;
          v.blockNumber = committed.blockNumber >= 0 ? committed.blockNumber : null;
          v.committedAt = new Date();
          v.releaseErrorCode = null;
          v.releaseError = null;
        }
        if (d.releasedVersion === null || d.releasedVersion < version.version) d.releasedVersion = version.version;
        d.state = 'released';
        d.lastErrorCode = null;
        d.lastError = null;
        // A good version committed on-chain is what clears a tamper finding (the chaincode does the same).
        d.tampered = false;
        d.tamperFindingId = null;
      });
    } catch (error) {
      const coded = error instanceof PhdmfError ? error : new PhdmfError(CommonErrorCode.INTERNAL, error instanceof Error ? error.message : String(error));
      this.log.warn({ datasetId: dataset.id, version: version.version, code: coded.code }, 'dataset version not committed on the ledger');
      return this.datasets.update(dataset.id, (d, versions) => {
        const v = versions.find((x) => x.version === version.version);
        if (v) {
          v.releaseState = 'failed';
          v.releaseErrorCode = coded.code;
          v.releaseError = coded.message;
        }
        d.lastErrorCode = coded.code;
        d.lastError = `version ${version.version} is not released: ${coded.message}`;
      });
    }
  }

  /**
   * After a restart: a version left `pending` was sent to the ledger but its answer never arrived.
   * The ledger says whether it committed; if not, the version is marked failed so that a user sees
   * it and retries. Nothing is ever silently left in between.
   */
  async reconcile(version: DatasetVersionRow): Promise<void> {
    const dataset = await this.datasets.find(version.datasetId);
    if (!dataset) return;
    const onChain = await this.ledger.getDataset(dataset.id).catch(() => undefined);
    const committed = onChain?.version === version.version && onChain.sha256 === version.sha256 && onChain.ownerMemberId === dataset.ownerOrganisationId;
    await this.datasets.update(dataset.id, (d, versions) => {
      const v = versions.find((x) => x.version === version.version);
      if (!v || v.releaseState !== 'pending') return;
      if (committed) {
        v.releaseState = 'committed';
        v.txId = onChain.txId;
        v.committedAt = new Date();
        if (d.releasedVersion === null || d.releasedVersion < v.version) d.releasedVersion = v.version;
        d.state = d.state === 'deleted' ? d.state : 'released';
      } else {
        v.releaseState = 'failed';
        v.releaseErrorCode = StorageErrorCode.RELEASE_INTERRUPTED;
        v.releaseError = 'the node stopped before the ledger answered; retry the release';
        d.lastErrorCode = StorageErrorCode.RELEASE_INTERRUPTED;
        d.lastError = `version ${v.version} is not released: the node stopped before the ledger answered; retry the release`;
      }
    });
    this.log.info({ datasetId: dataset.id, version: version.version, committed }, 'pending release reconciled with the ledger');
  }
}
