import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { LedgerAccessRequestRecord, LedgerDatasetRecord, LedgerMemberRecord, LedgerTamperFindingRecord } from '@phdmf/contracts';
import { AccessRequest } from '../domain/access-request';
import { MarketDataset, MarketDatasetColumn, MarketInstitution } from '../domain/market-dataset';

/**
 * Applies committed ledger records to the service's projection. Every record reaches it by up to
 * three ways — the bus event, the answer of the command that committed it, the catch-up from the
 * ledger's queries — in any order and any number of times; the domain classes ignore a record
 * that is not newer than what is shown, so all three may land here safely.
 */
@Injectable()
export class Projection {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Runs `apply` in a transaction of its own. Two writers may insert the same new row at once (the
   * bus event and a command's answer, say); the loser's unique violation is retried once, when it
   * finds the row and applies its record to it as to any existing one.
   */
  async commit<T>(apply: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.orm.em.fork().transactional(apply);
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return this.orm.em.fork().transactional(apply);
    }
  }

  async applyMember(em: EntityManager, record: LedgerMemberRecord, blockNumber: number): Promise<void> {
    // Rejected applicants own nothing in the market.
    if (record.status !== 'active') return;
    const existing = await em.findOne(MarketInstitution, { memberId: record.memberId });
    const institution = existing ?? Object.assign(new MarketInstitution(), { memberId: record.memberId });
    institution.name = record.name;
    institution.mspId = record.mspId;
    institution.txId = record.txId;
    institution.blockNumber = blockNumber;
    em.persist(institution);
    await em.flush();
  }

  async applyDataset(em: EntityManager, record: LedgerDatasetRecord, blockNumber: number): Promise<MarketDataset> {
    const existing = await em.findOne(MarketDataset, { datasetId: record.datasetId });
    if (existing && !existing.applyRecord(record, blockNumber)) return existing;
    const dataset = existing ?? MarketDataset.fromRecord(record, blockNumber);
    em.persist(dataset);
    // The column index follows the current version (each version is complete).
    await em.nativeDelete(MarketDatasetColumn, { datasetId: record.datasetId });
    (record.columns ?? []).forEach((name, position) => {
      em.persist(Object.assign(new MarketDatasetColumn(), { datasetId: record.datasetId, position, name }));
    });
    await em.flush();
    return dataset;
  }

  async applyTamperFinding(em: EntityManager, finding: LedgerTamperFindingRecord, blockNumber: number): Promise<void> {
    const dataset = await em.findOne(MarketDataset, { datasetId: finding.datasetId });
    // A finding on a dataset not projected yet: the catch-up brings the dataset with its status.
    if (dataset?.applyTamperFinding(finding, blockNumber)) await em.flush();
  }

  async applyRequest(em: EntityManager, record: LedgerAccessRequestRecord, blockNumber: number): Promise<AccessRequest> {
    const existing = await em.findOne(AccessRequest, { requestId: record.requestId });
    if (existing) {
      if (existing.applyRecord(record, blockNumber)) await em.flush();
      return existing;
    }
    const request = AccessRequest.fromRecord(record, blockNumber);
    em.persist(request);
    await em.flush();
    return request;
  }
}
