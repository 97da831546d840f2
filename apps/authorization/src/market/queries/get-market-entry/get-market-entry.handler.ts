import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { AuthorizationGetMarketEntry } from '@phdmf/contracts';
import { Catalogue } from '../../infrastructure/catalogue';

/** One dataset of the market, any status (a deleted one stays readable), with the caller's permission. */
@Injectable()
export class GetMarketEntryHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly catalogue: Catalogue,
  ) {}

  async execute(p: AuthorizationGetMarketEntry.Payload, actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationGetMarketEntry.Result> {
    const who = requireActor(actor);
    const dataset = await this.catalogue.requireDataset(p.datasetId);
    const [entry] = await this.catalogue.entries(this.orm.em.fork(), [dataset], who, now);
    if (!entry) throw new Error('unreachable: one dataset gives one entry');
    return entry;
  }
}
