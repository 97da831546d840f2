import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AuthorizationGetMarketEntry, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { Catalogue } from '../../infrastructure/catalogue';
import { LedgerClient } from '../../infrastructure/ledger-client';

/** One dataset of the market, any status (a deleted one stays readable), with the caller's permission. */
@Controller()
export class GetMarketEntryHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly catalogue: Catalogue,
    private readonly ledger: LedgerClient,
  ) {}

  @HandleRequest(AuthorizationGetMarketEntry.CONTRACT)
  async execute(@Payload() p: AuthorizationGetMarketEntry.Payload, @Actor() actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationGetMarketEntry.Result> {
    const who = requireActor(actor);
    const dataset = await this.catalogue.requireDataset(p.datasetId);
    const [entry] = await this.catalogue.entries(this.orm.em.fork(), [dataset], who, now);
    if (!entry) throw new Error('unreachable: one dataset gives one entry');
    const { permission } = entry;
    if (permission.privacy?.mode === 'dp' && permission.requestId !== undefined && permission.state !== 'requested' && permission.state !== 'denied') {
      // Spent and left are the chain's, read now: every analysis changes them, no projection keeps up.
      const budget = await this.ledger.budget(permission.requestId);
      permission.privacy = { ...permission.privacy, spentRho: budget.spentRho, leftRho: budget.leftRho, spends: budget.spends };
    }
    return entry;
  }
}
