import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AuthorizationErrorCode, PhdmfError, type AuthorizationSetStance } from '@phdmf/contracts';
import { forbidden, MarketPolicy, requireActor, type ActingUser } from '../../domain/actor';
import { MarketDataset } from '../../domain/market-dataset';
import { Catalogue } from '../../infrastructure/catalogue';

/**
 * The owner institution's admin opens or closes a dataset to access requests. The stance is the
 * market's own policy (no ledger transaction): it stops requests before they reach the ledger,
 * and leaves requests already made and grants already given as they are.
 */
@Injectable()
export class SetStanceHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly catalogue: Catalogue,
  ) {}

  async execute(p: AuthorizationSetStance.Payload, actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationSetStance.Result> {
    const who = requireActor(actor);
    const known = await this.catalogue.dataset(p.datasetId);
    if (!known) throw new PhdmfError(AuthorizationErrorCode.DATASET_NOT_FOUND, `No dataset ${p.datasetId} in the market`, { datasetId: p.datasetId });
    if (!MarketPolicy.maySetStance(who, known.ownerMemberId)) {
      throw forbidden('Only the admins of the institution that owns the dataset set its stance', { datasetId: p.datasetId });
    }
    const em = this.orm.em.fork();
    const dataset = await em.transactional(async (tx) => {
      const d = await tx.findOneOrFail(MarketDataset, { datasetId: p.datasetId });
      d.setStance(p.stance, who.userId, now);
      await tx.flush();
      return d;
    });
    const [entry] = await this.catalogue.entries(em, [dataset], who, now);
    if (!entry) throw new Error('unreachable: one dataset gives one entry');
    return entry;
  }
}
