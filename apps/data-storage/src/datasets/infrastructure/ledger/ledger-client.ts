import { Inject, Injectable } from '@nestjs/common';
import {
  LedgerAddDataset,
  LedgerCheckAccess,
  LedgerDeleteDataset,
  LedgerGetChainInfo,
  LedgerGetDataset,
  LedgerGetMember,
  LedgerGetReservation,
  LedgerRecordTamperFinding,
  LedgerUpdateDataset,
  ledgerNodeContract,
} from '@phdmf/contracts';
import { MessageBus, type ActorHeader } from '@phdmf/messaging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';

/**
 * The node's only way to the ledger: the ledger service's commands and queries on NATS. Writes are
 * signed by the acting user's organisation (the ledger picks the MSP from the actor), so every
 * write names who acts; the node's own writes (tamper findings) act as the node for its organisation.
 * Writes go on the node's own ledger subjects (`phdmf.ledger.node.<nodeId>.cmd.…`): the only ones its
 * NATS user may publish, and the ledger signs them only for the member that registered this node.
 */
@Injectable()
export class LedgerClient {
  constructor(
    private readonly bus: MessageBus,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
  ) {}

  /** The node itself, acting for its organisation (no role: it signs as the member, never as the governor). */
  get nodeActor(): ActorHeader {
    return { userId: `node:${this.settings.nodeId}`, organisationId: this.settings.organisationId, roles: [] };
  }

  addDataset(p: LedgerAddDataset.Payload, actor: ActorHeader): Promise<LedgerAddDataset.Result> {
    return this.bus.request(ledgerNodeContract(LedgerAddDataset.CONTRACT, this.settings.nodeId), p, { actor, timeoutMs: this.settings.ledgerCommandTimeoutMs });
  }

  updateDataset(p: LedgerUpdateDataset.Payload, actor: ActorHeader): Promise<LedgerUpdateDataset.Result> {
    return this.bus.request(ledgerNodeContract(LedgerUpdateDataset.CONTRACT, this.settings.nodeId), p, { actor, timeoutMs: this.settings.ledgerCommandTimeoutMs });
  }

  deleteDataset(p: LedgerDeleteDataset.Payload, actor: ActorHeader): Promise<LedgerDeleteDataset.Result> {
    return this.bus.request(ledgerNodeContract(LedgerDeleteDataset.CONTRACT, this.settings.nodeId), p, { actor, timeoutMs: this.settings.ledgerCommandTimeoutMs });
  }

  recordTamperFinding(p: LedgerRecordTamperFinding.Payload): Promise<LedgerRecordTamperFinding.Result> {
    return this.bus.request(ledgerNodeContract(LedgerRecordTamperFinding.CONTRACT, this.settings.nodeId), p, { actor: this.nodeActor, timeoutMs: this.settings.ledgerCommandTimeoutMs });
  }

  getDataset(datasetId: string): Promise<LedgerGetDataset.Result> {
    return this.bus.request(LedgerGetDataset.CONTRACT, { datasetId }, { actor: this.nodeActor });
  }

  /** A dp analysis' budget reservation (BUDGET.RESERVATION_NOT_FOUND when none committed). */
  getReservation(analysisId: string): Promise<LedgerGetReservation.Result> {
    return this.bus.request(LedgerGetReservation.CONTRACT, { analysisId }, { actor: this.nodeActor });
  }

  checkAccess(p: LedgerCheckAccess.Payload): Promise<LedgerCheckAccess.Result> {
    return this.bus.request(LedgerCheckAccess.CONTRACT, p, { actor: this.nodeActor });
  }

  /** The chain height and head as the ledger service reports it, within `timeoutMs`. */
  getChainInfo(timeoutMs: number): Promise<LedgerGetChainInfo.Result> {
    return this.bus.request(LedgerGetChainInfo.CONTRACT, {}, { actor: this.nodeActor, timeoutMs });
  }

  getMember(memberId: string): Promise<LedgerGetMember.Result> {
    return this.bus.request(LedgerGetMember.CONTRACT, { memberId }, { actor: this.nodeActor });
  }
}
