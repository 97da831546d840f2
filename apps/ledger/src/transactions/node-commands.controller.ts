// The ledger commands a storage site sends, on its node's own subject
// (`phdmf.ledger.node.<nodeId>.cmd.…`): the same chaincode writes as LedgerCommandsController's, signed
// only when the actor belongs to the member that registered that node (NodeBinding).
import { Controller } from '@nestjs/common';
import { Ctx, NatsContext, Payload } from '@nestjs/microservices';
import { LedgerAddDataset, LedgerDeleteDataset, LedgerRecordTamperFinding, LedgerUpdateDataset, ledgerNodeContracts, nodeOfLedgerSubject } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { ChaincodeClient } from '../chaincode/chaincode-client';
import { NodeBinding } from '../identity/node-binding';

@Controller()
export class NodeCommandsController {
  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly binding: NodeBinding,
  ) {}

  private bound(ctx: NatsContext): Promise<void> {
    return this.binding.assertActsFor(nodeOfLedgerSubject(ctx.getSubject()), Correlation.current()?.actor);
  }

  @HandleRequest(ledgerNodeContracts(LedgerAddDataset.CONTRACT))
  async addDataset(@Payload() p: LedgerAddDataset.Payload, @Ctx() ctx: NatsContext): Promise<LedgerAddDataset.Result> {
    await this.bound(ctx);
    return this.chaincode.dataset.submit('addDataset', p);
  }

  @HandleRequest(ledgerNodeContracts(LedgerUpdateDataset.CONTRACT))
  async updateDataset(@Payload() p: LedgerUpdateDataset.Payload, @Ctx() ctx: NatsContext): Promise<LedgerUpdateDataset.Result> {
    await this.bound(ctx);
    return this.chaincode.dataset.submit('updateDataset', p);
  }

  @HandleRequest(ledgerNodeContracts(LedgerDeleteDataset.CONTRACT))
  async deleteDataset(@Payload() p: LedgerDeleteDataset.Payload, @Ctx() ctx: NatsContext): Promise<LedgerDeleteDataset.Result> {
    await this.bound(ctx);
    return this.chaincode.dataset.submit('deleteDataset', p);
  }

  @HandleRequest(ledgerNodeContracts(LedgerRecordTamperFinding.CONTRACT))
  async recordTamperFinding(@Payload() p: LedgerRecordTamperFinding.Payload, @Ctx() ctx: NatsContext): Promise<LedgerRecordTamperFinding.Result> {
    await this.bound(ctx);
    return this.chaincode.audit.submit('recordTamperFinding', p);
  }
}
