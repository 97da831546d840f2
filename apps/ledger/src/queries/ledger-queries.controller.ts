// Reads over the chain: records the chaincode keeps (members, datasets, requests, access checks),
// provenance with block numbers, and the chain itself (blocks, transactions, height, verification).
// Transactions and provenance are answered as the acting user (actor header) may see them
// (@phdmf/contracts visibility.ts); blocks carry public fields only.
import { Controller, Inject } from '@nestjs/common';
import {
  type AccessCheck,
  type AccessRequestRecord,
  type AnalysisRecord,
  type BudgetReservationRecord,
  type BudgetView,
  type DatasetRecord,
  type MemberRecord,
} from '../chaincode/phdmf-chaincode';
import {
  LedgerCheckAccess,
  LedgerGetAccessRequest,
  LedgerGetAnalysis,
  LedgerGetBlock,
  LedgerGetBudget,
  LedgerGetReservation,
  LedgerGetChainInfo,
  LedgerGetDataset,
  LedgerGetDatasetHistory,
  LedgerGetMember,
  LedgerGetProvenance,
  LedgerListProvenance,
  LedgerErrorCode,
  LedgerGetKeyedCommit,
  PhdmfError,
  LedgerGetTransaction,
  LedgerListDatasets,
  LedgerListMembers,
  LedgerVerifyChain,
  datasetsConcernedBy,
  transactionAsSeenBy,
} from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { ChaincodeClient } from '../chaincode/chaincode-client';
import { currentCommitKey } from '../chaincode/keyed-commits';
import { TRANSACTION_OF_COMMAND } from '../transactions/command-transactions';
import { LEDGER_PORT, type LedgerPort } from '../ledger-port/ledger-port';
import { ProvenanceReader } from './provenance';

@Controller()
export class LedgerQueriesController {
  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly provenanceReader: ProvenanceReader,
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
  ) {}

  @HandleRequest(LedgerGetMember.CONTRACT)
  getMember(p: LedgerGetMember.Payload): Promise<LedgerGetMember.Result> {
    return this.chaincode.consortium.evaluate<MemberRecord>('getMember', p);
  }

  @HandleRequest(LedgerListMembers.CONTRACT)
  async listMembers(): Promise<LedgerListMembers.Result> {
    return { members: await this.chaincode.consortium.evaluate<MemberRecord[]>('listMembers') };
  }

  @HandleRequest(LedgerGetDataset.CONTRACT)
  getDataset(p: LedgerGetDataset.Payload): Promise<LedgerGetDataset.Result> {
    return this.chaincode.dataset.evaluate<DatasetRecord>('getDataset', p);
  }

  @HandleRequest(LedgerListDatasets.CONTRACT)
  async listDatasets(p: LedgerListDatasets.Payload): Promise<LedgerListDatasets.Result> {
    return { datasets: await this.chaincode.dataset.evaluate<DatasetRecord[]>('listDatasets', p) };
  }

  @HandleRequest(LedgerGetDatasetHistory.CONTRACT)
  getDatasetHistory(p: LedgerGetDatasetHistory.Payload): Promise<LedgerGetDatasetHistory.Result> {
    return this.provenanceReader.history(p.datasetId);
  }

  @HandleRequest(LedgerGetProvenance.CONTRACT)
  getProvenance(p: LedgerGetProvenance.Payload): Promise<LedgerGetProvenance.Result> {
    return this.provenanceReader.provenance(p.datasetId, Correlation.current()?.actor);
  }

  @HandleRequest(LedgerListProvenance.CONTRACT)
  listProvenance(p: LedgerListProvenance.Payload): Promise<LedgerListProvenance.Result> {
    return this.provenanceReader.page(p, Correlation.current()?.actor);
  }

  @HandleRequest(LedgerCheckAccess.CONTRACT)
  checkAccess(p: LedgerCheckAccess.Payload): Promise<LedgerCheckAccess.Result> {
    return this.chaincode.access.evaluate<AccessCheck>('checkAccess', p);
  }

  @HandleRequest(LedgerGetAccessRequest.CONTRACT)
  getAccessRequest(p: LedgerGetAccessRequest.Payload): Promise<LedgerGetAccessRequest.Result> {
    return this.chaincode.access.evaluate<AccessRequestRecord>('getRequest', p);
  }

  @HandleRequest(LedgerGetAnalysis.CONTRACT)
  getAnalysis(p: LedgerGetAnalysis.Payload): Promise<LedgerGetAnalysis.Result> {
    return this.chaincode.audit.evaluate<AnalysisRecord>('getAnalysis', p);
  }

  @HandleRequest(LedgerGetReservation.CONTRACT)
  getReservation(p: LedgerGetReservation.Payload): Promise<LedgerGetReservation.Result> {
    return this.chaincode.budget.evaluate<BudgetReservationRecord>('getReservation', p);
  }

  @HandleRequest(LedgerGetBudget.CONTRACT)
  getBudget(p: LedgerGetBudget.Payload): Promise<LedgerGetBudget.Result> {
    return this.chaincode.budget.evaluate<BudgetView>('getBudget', p);
  }

  /** What the command committed under this query's Idempotency-Key (its header); `{}` when nothing did or there is no key. */
  @HandleRequest(LedgerGetKeyedCommit.CONTRACT)
  async getKeyedCommit(p: LedgerGetKeyedCommit.Payload): Promise<LedgerGetKeyedCommit.Result> {
    const transaction = TRANSACTION_OF_COMMAND.get(p.command);
    if (transaction === undefined) throw new PhdmfError(LedgerErrorCode.INVALID_INPUT, `${p.command} is not a ledger command`, { command: p.command });
    const commitKey = currentCommitKey(transaction.contract, transaction.fn);
    const commit = commitKey === undefined ? undefined : await this.chaincode.keyed.find(commitKey);
    return commit === undefined ? {} : { commit };
  }

  @HandleRequest(LedgerGetBlock.CONTRACT)
  getBlock(p: LedgerGetBlock.Payload): Promise<LedgerGetBlock.Result> {
    return this.ledger.getBlock(p.blockNumber);
  }

  @HandleRequest(LedgerGetTransaction.CONTRACT)
  async getTransaction(p: LedgerGetTransaction.Payload): Promise<LedgerGetTransaction.Result> {
    const tx = await this.ledger.getTransaction(p.txId);
    // An analysis concerns the owners of the datasets it used; its record names only the datasets.
    const owners = new Map<string, string>();
    for (const datasetId of datasetsConcernedBy(tx)) {
      const dataset = await this.chaincode.dataset.evaluate<DatasetRecord>('getDataset', { datasetId });
      owners.set(datasetId, dataset.ownerMemberId);
    }
    return transactionAsSeenBy(tx, Correlation.current()?.actor, owners);
  }

  @HandleRequest(LedgerGetChainInfo.CONTRACT)
  getChainInfo(): Promise<LedgerGetChainInfo.Result> {
    return this.ledger.chainInfo();
  }

  @HandleRequest(LedgerVerifyChain.CONTRACT)
  verifyChain(): Promise<LedgerVerifyChain.Result> {
    return this.ledger.verifyChain();
  }
}
