import { Injectable } from '@nestjs/common';
import {
  LedgerChaincodeErrorCode,
  LedgerGetAccessRequest,
  LedgerGetBudget,
  LedgerGetDataset,
  LedgerGetProvenance,
  LedgerGetTransaction,
  LedgerListDatasets,
  LedgerListMembers,
  PhdmfError,
  type LedgerAccessRequestRecord,
  type LedgerDatasetRecord,
  type LedgerMemberRecord,
} from '@phdmf/contracts';
import { MessageBus } from '@phdmf/messaging';

function isCode(error: unknown, code: string): boolean {
  return error instanceof PhdmfError && error.code === code;
}

/** The ledger's queries the service reads committed state with (never its commands: see the handlers). */
@Injectable()
export class LedgerClient {
  constructor(private readonly bus: MessageBus) {}

  /** The block a transaction was committed in. */
  async blockOf(txId: string): Promise<number> {
    return (await this.bus.request(LedgerGetTransaction.CONTRACT, { txId })).blockNumber;
  }

  /** A dataset's current record, or undefined when the ledger has none. */
  async dataset(datasetId: string): Promise<LedgerDatasetRecord | undefined> {
    try {
      return await this.bus.request(LedgerGetDataset.CONTRACT, { datasetId });
    } catch (error) {
      if (isCode(error, LedgerChaincodeErrorCode.DatasetNotFound)) return undefined;
      throw error;
    }
  }

  /** An access request's current record, or undefined when the ledger has none. */
  async accessRequest(requestId: string): Promise<LedgerAccessRequestRecord | undefined> {
    try {
      return await this.bus.request(LedgerGetAccessRequest.CONTRACT, { requestId });
    } catch (error) {
      if (isCode(error, LedgerChaincodeErrorCode.AccessRequestNotFound)) return undefined;
      throw error;
    }
  }

  /** A dp grant's budget as the chain holds it: spent, left and every spend with its transaction. */
  budget(requestId: string): Promise<LedgerGetBudget.Result> {
    return this.bus.request(LedgerGetBudget.CONTRACT, { requestId });
  }

  async members(): Promise<LedgerMemberRecord[]> {
    return (await this.bus.request(LedgerListMembers.CONTRACT, {})).members;
  }

  async datasets(): Promise<LedgerDatasetRecord[]> {
    return (await this.bus.request(LedgerListDatasets.CONTRACT, {})).datasets;
  }

  async provenance(datasetId: string): Promise<LedgerGetProvenance.Entry[]> {
    return (await this.bus.request(LedgerGetProvenance.CONTRACT, { datasetId })).entries;
  }
}
