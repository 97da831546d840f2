import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { NodeRegistryListInstitutions, PageRequest, requireActor, type ActingUser } from '@phdmf/contracts';
import { findPage } from '@phdmf/persistence';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { Institution } from '../../domain/institution';
import { LedgerClient } from '../../infrastructure/ledger-client';

/**
 * Node information: every member, its node, last heartbeat, and its record as on-chain now; the
 * latest admitted first, a page at a time (keyset on (admittedAt, memberId)).
 */
@Controller()
export class ListInstitutionsHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly ledger: LedgerClient,
  ) {}

  @HandleRequest(NodeRegistryListInstitutions.CONTRACT)
  async execute(@Payload() p: NodeRegistryListInstitutions.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryListInstitutions.Result> {
    requireActor(actor);
    // includeOnChain changes what an item holds, not which items match: it is not bound to the cursor.
    const page = PageRequest.of('institutions', p, {});
    const { rows, nextCursor, total } = await findPage(this.orm.em.fork(), Institution, {}, { at: 'admittedAt', id: 'memberId' }, page);
    if (p.includeOnChain === false) return { items: rows.map((i) => i.toView()), nextCursor, total };
    const chain = await this.ledger.members();
    return {
      items: rows.map((i) => {
        const record = chain.byId.get(i.memberId);
        return i.toView({ ...(record ? { record } : {}), ...(chain.error ? { error: chain.error } : {}) });
      }),
      nextCursor,
      total,
    };
  }
}
