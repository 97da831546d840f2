import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { LedgerMemberRecord } from '@phdmf/contracts';
import type { MembershipApplication } from '../domain/application';
import { Institution } from '../domain/institution';

/**
 * Applies a committed admission to the registry: the application's decision and the institution's
 * row, in one unit of work. Reached from the admit command's answer and from the MemberAdmitted
 * chain event, whichever comes first; the second is a no-op.
 */
@Injectable()
export class Admissions {
  async apply(em: EntityManager, application: MembershipApplication, record: LedgerMemberRecord, txId: string, blockNumber: number, by: string | null): Promise<void> {
    application.recordDecision('admitted', { txId, blockNumber, at: new Date(record.decidedAt), by });
    const existing = await em.findOne(Institution, { memberId: application.memberId });
    if (!existing) {
      const i = new Institution();
      i.memberId = application.memberId;
      i.name = record.name;
      i.mspId = record.mspId;
      i.nodeId = record.nodeId ?? application.nodeId;
      i.endpoint = record.endpoint ?? application.endpoint;
      i.nodePublicKey = record.nodePublicKey ?? application.nodePublicKey;
      i.admittedAt = new Date(record.decidedAt);
      i.admissionTxId = txId;
      i.admissionBlock = blockNumber;
      i.nodeUpdateTxId = null;
      i.nodeUpdateBlock = null;
      i.lastHeartbeatAt = null;
      i.lastTest = null;
      em.persist(i);
    }
    await em.flush();
  }
}
