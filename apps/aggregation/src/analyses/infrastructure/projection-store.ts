import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import type { LedgerAccessRequestRecord, LedgerDatasetRecord, LedgerMemberRecord, LedgerTamperFindingRecord } from '@phdmf/contracts';
import type { ProjectionView } from '../domain/grant-check';
import { ProjectedAccessRequest, ProjectedDataset, ProjectedMember } from '../domain/projection';

/**
 * Reads and writes the projection of committed ledger records. Writes take the caller's entity
 * manager: event handlers pass the inbox's transaction (so the change and the idempotency record
 * commit together); catch-ups run their own.
 */
@Injectable()
export class ProjectionStore {
  constructor(private readonly orm: MikroORM) {}

  async applyDataset(em: EntityManager, record: LedgerDatasetRecord): Promise<void> {
    const held = await em.findOne(ProjectedDataset, { datasetId: record.datasetId });
    if (!held) em.persist(ProjectedDataset.from(record));
    else held.apply(record);
    await em.flush();
  }

  async applyMember(em: EntityManager, record: LedgerMemberRecord): Promise<void> {
    const held = await em.findOne(ProjectedMember, { memberId: record.memberId });
    if (!held) em.persist(ProjectedMember.from(record));
    else held.apply(record);
    await em.flush();
  }

  async applyRequest(em: EntityManager, record: LedgerAccessRequestRecord): Promise<void> {
    const held = await em.findOne(ProjectedAccessRequest, { requestId: record.requestId });
    if (!held) em.persist(ProjectedAccessRequest.from(record));
    else held.apply(record);
    await em.flush();
  }

  async applyTamperFinding(em: EntityManager, finding: LedgerTamperFindingRecord, txId: string): Promise<void> {
    const held = await em.findOne(ProjectedDataset, { datasetId: finding.datasetId });
    if (held?.applyTamperFinding(finding, txId)) await em.flush();
  }

  /** Applies records read from the ledger, in one transaction of its own. */
  async catchUp(records: { datasets?: LedgerDatasetRecord[]; members?: LedgerMemberRecord[]; requests?: LedgerAccessRequestRecord[] }): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      for (const d of records.datasets ?? []) await this.applyDataset(em, d);
      for (const m of records.members ?? []) await this.applyMember(em, m);
      for (const r of records.requests ?? []) await this.applyRequest(em, r);
    });
  }

  /** What the projection holds about a dataset, its owner and one requester's requests on it. */
  async view(datasetId: string, requester: string): Promise<ProjectionView> {
    const em = this.orm.em.fork();
    const dataset = await em.findOne(ProjectedDataset, { datasetId });
    const [owner, requests] = await Promise.all([
      dataset ? em.findOne(ProjectedMember, { memberId: dataset.ownerMemberId }) : Promise.resolve(null),
      em.find(ProjectedAccessRequest, { datasetId, requester }),
    ]);
    return { datasetId, dataset, owner, requests };
  }
}
