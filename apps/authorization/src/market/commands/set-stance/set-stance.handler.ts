import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AuthorizationSetStance, isAmbiguous, LedgerSetDatasetStance, requireActor, type ActingUser, type LedgerCommitted, type LedgerDatasetRecord } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { Actor, HandleRequest, MessageBus } from '@phdmf/messaging';
import { LOGGER } from '../../../authorization.tokens';
import { AuthorizationConfig } from '../../../config';
import { signerOf } from '../../application/access-decisions';
import { forbidden, MarketPolicy } from '../../domain/actor';
import { Catalogue } from '../../infrastructure/catalogue';
import { LedgerClient } from '../../infrastructure/ledger-client';
import { Projection } from '../../infrastructure/projection';

/**
 * The owner institution's admin opens or closes a dataset to access requests. The stance is a
 * ledger transaction signed as the admin's own organisation, so it is provable, survives a rebuilt
 * projection, and the chaincode itself refuses requests for a closed dataset. Requests already
 * made and grants already given stay as they are. Shown changed only once committed.
 */
@Controller()
export class SetStanceHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
    private readonly catalogue: Catalogue,
    private readonly projection: Projection,
    private readonly ledger: LedgerClient,
    private readonly config: AuthorizationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @HandleRequest(AuthorizationSetStance.CONTRACT)
  async execute(@Payload() p: AuthorizationSetStance.Payload, @Actor() actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationSetStance.Result> {
    const who = requireActor(actor);
    const known = await this.catalogue.requireDataset(p.datasetId);
    if (!MarketPolicy.maySetStance(who, known.ownerMemberId)) {
      throw forbidden('Only the admins of the institution that owns the dataset set its stance', { datasetId: p.datasetId });
    }
    const committed = await this.submit(p, who);
    const dataset = await this.projection.commit((em) => this.projection.applyDataset(em, committed.record, committed.blockNumber));
    const [entry] = await this.catalogue.entries(this.orm.em.fork(), [dataset], who, now);
    if (!entry) throw new Error('unreachable: one dataset gives one entry');
    return entry;
  }

  private async submit(p: AuthorizationSetStance.Payload, who: ActingUser): Promise<LedgerCommitted<LedgerDatasetRecord>> {
    try {
      return await this.bus.request(
        LedgerSetDatasetStance.CONTRACT,
        { datasetId: p.datasetId, stance: p.stance, operator: who.userId },
        { actor: signerOf(who), timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS },
      );
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      // No answer, but it may have committed: if the ledger shows this stance set by this user, it did.
      const record = await this.ledger.dataset(p.datasetId).catch(() => undefined);
      if (record?.stance !== p.stance || record.stanceSetBy !== who.userId) throw error;
      this.logger.warn({ datasetId: p.datasetId, stance: p.stance }, 'stance committed although its answer was lost; read back from the ledger');
      return { txId: record.txId, blockNumber: await this.ledger.blockOf(record.txId), record };
    }
  }
}
