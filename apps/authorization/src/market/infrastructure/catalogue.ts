import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import { AuthorizationErrorCode, PhdmfError, type ActingUser, type MarketEntry } from '@phdmf/contracts';
import { AccessRequest, permissionFrom } from '../domain/access-request';
import { MarketDataset, MarketInstitution } from '../domain/market-dataset';
import { LedgerClient } from './ledger-client';
import { Projection } from './projection';

/**
 * Reads datasets and access requests from the projection. When the projection has not seen one
 * yet (its event is still on the way, or was lost before a catch-up), the ledger's committed
 * record is read instead and projected, so nothing committed is ever reported missing.
 */
@Injectable()
export class Catalogue {
  constructor(
    private readonly orm: MikroORM,
    private readonly projection: Projection,
    private readonly ledger: LedgerClient,
  ) {}

  async dataset(datasetId: string): Promise<MarketDataset | undefined> {
    const known = await this.orm.em.fork().findOne(MarketDataset, { datasetId });
    if (known) return known;
    const record = await this.ledger.dataset(datasetId);
    if (!record) return undefined;
    const blockNumber = await this.ledger.blockOf(record.txId);
    return this.projection.commit((em) => this.projection.applyDataset(em, record, blockNumber));
  }

  /** {@link dataset}, or MARKET.DATASET_NOT_FOUND. */
  async requireDataset(datasetId: string): Promise<MarketDataset> {
    const dataset = await this.dataset(datasetId);
    if (!dataset) throw new PhdmfError(AuthorizationErrorCode.DATASET_NOT_FOUND, `No dataset ${datasetId} in the market`, { datasetId });
    return dataset;
  }

  async request(requestId: string): Promise<AccessRequest | undefined> {
    const known = await this.orm.em.fork().findOne(AccessRequest, { requestId });
    if (known) return known;
    const record = await this.ledger.accessRequest(requestId);
    if (!record) return undefined;
    const blockNumber = await this.ledger.blockOf(record.txId);
    return this.projection.commit((em) => this.projection.applyRequest(em, record, blockNumber));
  }

  /** Market entries of `datasets` as `viewer` sees them: owner names, and the viewer's own permission on each. */
  async entries(em: EntityManager, datasets: readonly MarketDataset[], viewer: ActingUser, now = new Date()): Promise<MarketEntry[]> {
    if (datasets.length === 0) return [];
    const datasetIds = datasets.map((d) => d.datasetId);
    const owners = await em.find(MarketInstitution, { memberId: { $in: [...new Set(datasets.map((d) => d.ownerMemberId))] } });
    const ownerNames = new Map(owners.map((o) => [o.memberId, o.name]));
    const mine = await em.find(AccessRequest, { requester: viewer.userId, datasetId: { $in: datasetIds } });
    const byDataset = new Map<string, AccessRequest[]>();
    for (const r of mine) byDataset.set(r.datasetId, [...(byDataset.get(r.datasetId) ?? []), r]);
    return datasets.map((d) => d.toEntry(ownerNames.get(d.ownerMemberId) ?? d.ownerMemberId, permissionFrom(byDataset.get(d.datasetId) ?? [], now)));
  }
}
