// The paper's provenance table, and the dataset's version history, with the block of every
// transaction. The chaincode cannot know block numbers (a transaction is simulated before it is
// ordered into a block), so they come from the ledger's transaction index, one lookup per
// distinct transaction.
import { Inject, Injectable } from '@nestjs/common';
import { type DatasetHistoryEntry, type ProvenanceEntry } from '../chaincode/phdmf-chaincode';
import { pageInMemory, PageRequest, provenanceAsSeenBy, type LedgerGetDatasetHistory, type LedgerGetProvenance, type LedgerListProvenance, type LedgerReader } from '@phdmf/contracts';
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

  /** The provenance as `reader` may see it (requests, decisions and analyses concern only their parties), in commit order. */
  async provenance(datasetId: string, reader: LedgerReader | undefined): Promise<LedgerGetProvenance.Result> {
    const table = await this.table(datasetId, reader);
    const blocks = await this.blocksOf(table.map((e) => e.txId));
    return { datasetId, entries: table.map((e) => ({ ...e, blockNumber: blocks.get(e.txId) ?? -1 })) };
  }

  /**
   * One page of the provenance as `reader` may see it, newest first by (timestamp, txId): the table
   * is one key's history on the ledger (Fabric's history has no range or page of its own), read whole
   * here, filtered and paged, and only the page's transactions are looked up for their blocks.
   */
  async page(p: LedgerListProvenance.Payload, reader: LedgerReader | undefined): Promise<LedgerListProvenance.Result> {
    const request = PageRequest.of('provenance', p, { datasetId: p.datasetId, operation: p.operation, from: p.from, to: p.to });
    const from = p.from === undefined ? -Infinity : Date.parse(p.from);
    const to = p.to === undefined ? Infinity : Date.parse(p.to);
    const matching = (await this.table(p.datasetId, reader)).filter((e) => (p.operation === undefined || e.operation === p.operation) && Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) < to);
    const { rows, nextCursor, total } = pageInMemory(matching, (e) => ({ at: e.timestamp, id: e.txId }), request);
    const blocks = await this.blocksOf(rows.map((e) => e.txId));
    return { items: rows.map((e) => ({ ...e, blockNumber: blocks.get(e.txId) ?? -1 })), nextCursor, total };
  }

  /** Every operation on the dataset in commit order, with the file name of its version, as `reader` may see it; blocks not yet looked up. */
  private async table(datasetId: string, reader: LedgerReader | undefined): Promise<Omit<LedgerGetProvenance.Entry, 'blockNumber'>[]> {
    const [operations, history] = await Promise.all([
      this.chaincode.dataset.evaluate<ProvenanceEntry[]>('getProvenance', { datasetId }),
      this.chaincode.dataset.evaluate<DatasetHistoryEntry[]>('getDatasetHistory', { datasetId }),
    ]);
    // Every operation names the dataset version it applied to; the version's record names its file.
    const fileNames = new Map(history.map((h) => [h.record.version, h.record.fileName]));
    const entries = operations.map((o) => ({
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
    }));
    // The owner is the dataset's, unchanged across versions. Visibility reads the whole table (a
    // decision concerns the requester its request names), so it applies before any filter or page.
    const ownerMemberId = history.at(-1)?.record.ownerMemberId ?? '';
    return provenanceAsSeenBy(entries, reader, ownerMemberId);
  }

  private async blocksOf(txIds: string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(txIds)];
    const found = await Promise.all(distinct.map(async (txId) => [txId, (await this.ledger.getTransaction(txId)).blockNumber] as const));
    return new Map(found);
  }
}
