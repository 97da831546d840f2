// The paper's provenance table, and the dataset's version history, with the block of every
// transaction. The chaincode cannot know block numbers (a transaction is simulated before it is
// ordered into a block), so they come from the ledger's transaction index, one lookup per
// distinct transaction.
import { Inject, Injectable } from '@nestjs/common';
import { type DatasetHistoryEntry, type ProvenanceEntry } from '../chaincode/phdmf-chaincode';
import { provenanceAsSeenBy, type LedgerGetDatasetHistory, type LedgerGetProvenance, type LedgerReader } from '@phdmf/contracts';
import { ChaincodeClient } from '../chaincode/chaincode-client';
import { LEDGER_PORT, type LedgerPort } from '../ledger-port/ledger-port';

@Injectable()
export class ProvenanceReader {
  constructor(
    private readonly chaincode: ChaincodeClient,
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
  ) {}

  async history(datasetId: string): Promise<LedgerGetDatasetHistory.Result> {
    const history = await this.chaincode.dataset.evaluate<DatasetHistoryEntry[]>('getDatasetHistory', { datasetId });
    const blocks = await this.blocksOf(history.map((h) => h.txId));
    return {
      datasetId,
      entries: history.map((h) => ({ txId: h.txId, blockNumber: blocks.get(h.txId) ?? -1, timestamp: h.timestamp, record: h.record })),
    };
  }

  /** The provenance as `reader` may see it (requests, decisions and analyses concern only their parties). */
  async provenance(datasetId: string, reader: LedgerReader | undefined): Promise<LedgerGetProvenance.Result> {
    const [operations, history] = await Promise.all([
      this.chaincode.dataset.evaluate<ProvenanceEntry[]>('getProvenance', { datasetId }),
      this.chaincode.dataset.evaluate<DatasetHistoryEntry[]>('getDatasetHistory', { datasetId }),
    ]);
    // Every operation names the dataset version it applied to; the version's record names its file.
    const fileNames = new Map(history.map((h) => [h.record.version, h.record.fileName]));
    const blocks = await this.blocksOf(operations.map((o) => o.txId));
    const entries: LedgerGetProvenance.Entry[] = operations.map((o) => ({
      operation: o.operation,
      datasetId: o.datasetId,
      datasetVersion: o.datasetVersion,
      fileName: fileNames.get(o.datasetVersion) ?? '',
      sha256: o.sha256,
      description: o.description,
      operator: o.operator,
      organisation: o.organisation,
      ...(o.memberId !== undefined ? { memberId: o.memberId } : {}),
      ...(o.referenceId !== undefined ? { referenceId: o.referenceId } : {}),
      timestamp: o.timestamp,
      txId: o.txId,
      blockNumber: blocks.get(o.txId) ?? -1,
    }));
    // The owner is the dataset's, unchanged across versions.
    const ownerMemberId = history.at(-1)?.record.ownerMemberId ?? '';
    return { datasetId, entries: provenanceAsSeenBy(entries, reader, ownerMemberId) };
  }

  private async blocksOf(txIds: string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(txIds)];
    const found = await Promise.all(distinct.map(async (txId) => [txId, (await this.ledger.getTransaction(txId)).blockNumber] as const));
    return new Map(found);
  }
}
