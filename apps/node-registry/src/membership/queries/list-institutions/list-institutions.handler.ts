import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { requireActor, type ActingUser } from '@phdmf/contracts';
import type { NodeRegistryListInstitutions } from '@phdmf/contracts';
import { Institution } from '../../domain/institution';
import { LedgerClient } from '../../infrastructure/ledger-client';

/** Node information: every member, its node, last heartbeat, and its record as on-chain now. */
@Injectable()
export class ListInstitutionsHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly ledger: LedgerClient,
  ) {}

  async execute(p: NodeRegistryListInstitutions.Payload, actor: ActingUser | undefined): Promise<NodeRegistryListInstitutions.Result> {
    requireActor(actor);
    const rows = await this.orm.em.fork().find(Institution, {}, { orderBy: { name: 'asc' } });
    if (p.includeOnChain === false) return { institutions: rows.map((i) => i.toView()) };
    const chain = await this.ledger.members();
    return {
      institutions: rows.map((i) => {
        const record = chain.byId.get(i.memberId);
        return i.toView({ ...(record ? { record } : {}), ...(chain.error ? { error: chain.error } : {}) });
      }),
    };
  }
}
