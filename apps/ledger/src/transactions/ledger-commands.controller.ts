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
import { HandleRequest } from '@phdmf/messaging';
import { ChaincodeClient } from '../chaincode/chaincode-client';

@Controller()
export class LedgerCommandsController {
  constructor(private readonly chaincode: ChaincodeClient) {}

  @HandleRequest(LedgerAdmitMember.CONTRACT)
  admitMember(p: LedgerAdmitMember.Payload): Promise<LedgerAdmitMember.Result> {
    return this.chaincode.consortium.submit('admitMember', p);
  }

  @HandleRequest(LedgerRejectMember.CONTRACT)
  rejectMember(p: LedgerRejectMember.Payload): Promise<LedgerRejectMember.Result> {
    return this.chaincode.consortium.submit('rejectMember', p);
  }

  @HandleRequest(LedgerUpdateNode.CONTRACT)
  updateNode(p: LedgerUpdateNode.Payload): Promise<LedgerUpdateNode.Result> {
    return this.chaincode.consortium.submit('updateNode', p);
  }

  @HandleRequest(LedgerAddDataset.CONTRACT)
  addDataset(p: LedgerAddDataset.Payload): Promise<LedgerAddDataset.Result> {
    return this.chaincode.dataset.submit('addDataset', p);
  }

  @HandleRequest(LedgerUpdateDataset.CONTRACT)
  updateDataset(p: LedgerUpdateDataset.Payload): Promise<LedgerUpdateDataset.Result> {
    return this.chaincode.dataset.submit('updateDataset', p);
  }

  @HandleRequest(LedgerDeleteDataset.CONTRACT)
  deleteDataset(p: LedgerDeleteDataset.Payload): Promise<LedgerDeleteDataset.Result> {
    return this.chaincode.dataset.submit('deleteDataset', p);
  }

  @HandleRequest(LedgerSetDatasetStance.CONTRACT)
  setDatasetStance(p: LedgerSetDatasetStance.Payload): Promise<LedgerSetDatasetStance.Result> {
    return this.chaincode.dataset.submit('setStance', p);
  }

  @HandleRequest(LedgerRequestAccess.CONTRACT)
  requestAccess(p: LedgerRequestAccess.Payload): Promise<LedgerRequestAccess.Result> {
    return this.chaincode.access.submit('requestAccess', p);
  }

  @HandleRequest(LedgerGrantAccess.CONTRACT)
  grantAccess(p: LedgerGrantAccess.Payload): Promise<LedgerGrantAccess.Result> {
    return this.chaincode.access.submit('grantAccess', p);
  }

  @HandleRequest(LedgerDenyAccess.CONTRACT)
  denyAccess(p: LedgerDenyAccess.Payload): Promise<LedgerDenyAccess.Result> {
    return this.chaincode.access.submit('denyAccess', p);
  }

  @HandleRequest(LedgerRevokeAccess.CONTRACT)
  revokeAccess(p: LedgerRevokeAccess.Payload): Promise<LedgerRevokeAccess.Result> {
    return this.chaincode.access.submit('revokeAccess', p);
  }

  @HandleRequest(LedgerRecordAnalysis.CONTRACT)
  recordAnalysis(p: LedgerRecordAnalysis.Payload): Promise<LedgerRecordAnalysis.Result> {
    return this.chaincode.audit.submit('recordAnalysis', p);
  }

  @HandleRequest(LedgerReserveBudget.CONTRACT)
  reserveBudget(p: LedgerReserveBudget.Payload): Promise<LedgerReserveBudget.Result> {
    return this.chaincode.budget.submit('reserveBudget', p);
  }

  @HandleRequest(LedgerReleaseReservation.CONTRACT)
  releaseReservation(p: LedgerReleaseReservation.Payload): Promise<LedgerReleaseReservation.Result> {
    return this.chaincode.budget.submit('releaseReservation', p);
  }

  @HandleRequest(LedgerRecordTamperFinding.CONTRACT)
  recordTamperFinding(p: LedgerRecordTamperFinding.Payload): Promise<LedgerRecordTamperFinding.Result> {
    return this.chaincode.audit.submit('recordTamperFinding', p);
  }
}
