// One NATS command per chaincode write. Each is answered only after its transaction is committed,
// with the transaction id, the block number and the record the chaincode wrote; a refusal comes
// back with the chaincode's code (e.g. ACCESS.NOT_OWNER) or a LEDGER.* code.
import { Controller } from '@nestjs/common';
import {
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerDeleteDataset,
  LedgerDenyAccess,
  LedgerGrantAccess,
  LedgerRecordAnalysis,
  LedgerRecordTamperFinding,
  LedgerRejectMember,
  LedgerReleaseReservation,
  LedgerReserveBudget,
  LedgerRequestAccess,
  LedgerRevokeAccess,
  LedgerSetDatasetStance,
  LedgerUpdateDataset,
  LedgerUpdateNode,
} from '@phdmf/contracts';
import type { LedgerCommitted } from '@phdmf/contracts';
import { HandleRequest } from '@phdmf/messaging';
import { ChaincodeClient } from '../chaincode/chaincode-client';
import { TRANSACTION_OF_COMMAND } from './command-transactions';

@Controller()
export class LedgerCommandsController {
  constructor(private readonly chaincode: ChaincodeClient) {}

  /** Submits the chaincode write TRANSACTION_OF_COMMAND names for the command (its entries are type-checked there). */
  private submit<R>(command: { readonly SUBJECT: string }, p: object): Promise<LedgerCommitted<R>> {
    const transaction = TRANSACTION_OF_COMMAND.get(command.SUBJECT);
    if (transaction === undefined) throw new Error(`no chaincode transaction is listed for ${command.SUBJECT}`);
    // The table pairs each contract with its own functions; TypeScript cannot correlate the union here.
    const client = this.chaincode[transaction.contract] as unknown as { submit<T>(fn: string, request: object): Promise<LedgerCommitted<T>> };
    return client.submit<R>(transaction.fn, p);
  }

  @HandleRequest(LedgerAdmitMember.CONTRACT)
  admitMember(p: LedgerAdmitMember.Payload): Promise<LedgerAdmitMember.Result> {
    return this.submit(LedgerAdmitMember, p);
  }

  @HandleRequest(LedgerRejectMember.CONTRACT)
  rejectMember(p: LedgerRejectMember.Payload): Promise<LedgerRejectMember.Result> {
    return this.submit(LedgerRejectMember, p);
  }

  @HandleRequest(LedgerUpdateNode.CONTRACT)
  updateNode(p: LedgerUpdateNode.Payload): Promise<LedgerUpdateNode.Result> {
    return this.submit(LedgerUpdateNode, p);
  }

  @HandleRequest(LedgerAddDataset.CONTRACT)
  addDataset(p: LedgerAddDataset.Payload): Promise<LedgerAddDataset.Result> {
    return this.submit(LedgerAddDataset, p);
  }

  @HandleRequest(LedgerUpdateDataset.CONTRACT)
  updateDataset(p: LedgerUpdateDataset.Payload): Promise<LedgerUpdateDataset.Result> {
    return this.submit(LedgerUpdateDataset, p);
  }

  @HandleRequest(LedgerDeleteDataset.CONTRACT)
  deleteDataset(p: LedgerDeleteDataset.Payload): Promise<LedgerDeleteDataset.Result> {
    return this.submit(LedgerDeleteDataset, p);
  }

  @HandleRequest(LedgerSetDatasetStance.CONTRACT)
  setDatasetStance(p: LedgerSetDatasetStance.Payload): Promise<LedgerSetDatasetStance.Result> {
    return this.submit(LedgerSetDatasetStance, p);
  }

  @HandleRequest(LedgerRequestAccess.CONTRACT)
  requestAccess(p: LedgerRequestAccess.Payload): Promise<LedgerRequestAccess.Result> {
    return this.submit(LedgerRequestAccess, p);
  }

  @HandleRequest(LedgerGrantAccess.CONTRACT)
  grantAccess(p: LedgerGrantAccess.Payload): Promise<LedgerGrantAccess.Result> {
    return this.submit(LedgerGrantAccess, p);
  }

  @HandleRequest(LedgerDenyAccess.CONTRACT)
  denyAccess(p: LedgerDenyAccess.Payload): Promise<LedgerDenyAccess.Result> {
    return this.submit(LedgerDenyAccess, p);
  }

  @HandleRequest(LedgerRevokeAccess.CONTRACT)
  revokeAccess(p: LedgerRevokeAccess.Payload): Promise<LedgerRevokeAccess.Result> {
    return this.submit(LedgerRevokeAccess, p);
  }

  @HandleRequest(LedgerRecordAnalysis.CONTRACT)
  recordAnalysis(p: LedgerRecordAnalysis.Payload): Promise<LedgerRecordAnalysis.Result> {
    return this.submit(LedgerRecordAnalysis, p);
  }

  @HandleRequest(LedgerReserveBudget.CONTRACT)
  reserveBudget(p: LedgerReserveBudget.Payload): Promise<LedgerReserveBudget.Result> {
    return this.submit(LedgerReserveBudget, p);
  }

  @HandleRequest(LedgerReleaseReservation.CONTRACT)
  releaseReservation(p: LedgerReleaseReservation.Payload): Promise<LedgerReleaseReservation.Result> {
    return this.submit(LedgerReleaseReservation, p);
  }

  @HandleRequest(LedgerRecordTamperFinding.CONTRACT)
  recordTamperFinding(p: LedgerRecordTamperFinding.Payload): Promise<LedgerRecordTamperFinding.Result> {
    return this.submit(LedgerRecordTamperFinding, p);
  }
}
