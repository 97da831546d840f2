import { createHash } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import {
  AuthorizationErrorCode,
  AuthorizationRequestAccess,
  canonicalJson,
  enforceQuota,
  isAmbiguous,
  LedgerChaincodeErrorCode,
  LedgerRequestAccess,
  ledgerUnavailable,
  PhdmfError,
  requireActor,
  serviceActor,
  type ActingUser,
  type LedgerAccessRequestRecord,
  type LedgerCommitted,
} from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { Actor, HandleRequest, MessageBus, type ActorHeader } from '@phdmf/messaging';
import { statisticsNeededFromSites } from '@phdmf/statistics';
import { LOGGER } from '../../../authorization.tokens';
import { AuthorizationConfig } from '../../../config';
import { AccessRequest } from '../../domain/access-request';
import { forbidden, MarketPolicy } from '../../domain/actor';
import { Catalogue } from '../../infrastructure/catalogue';
import { LedgerClient } from '../../infrastructure/ledger-client';
import { Projection } from '../../infrastructure/projection';

/**
 * The ledger signs with the organisation of the actor it is given. A researcher belongs to none,
 * so requests are filed by this service, which signs as the governing MSP (the chaincode accepts a
 * request from the governor or any active member); the researcher is the `requester` field. The
 * service files a request only after its own checks: the dataset is in the market, open, not
 * deleted, and the columns are its own.
 */
export const SERVICE_ACTOR: ActorHeader = serviceActor('authorization');

/** Nothing is shown until the ledger answers, and the same request sent again is safe (see requestIdOf). */
const SEND_AGAIN = 'send the same request again (it is recorded once)';

/**
 * A request's id, derived from who asks and everything they ask (dataset, purpose, columns,
 * statistics, expiry) rather than drawn at random: a client that sends the same request again because
 * its answer was lost (a timeout, a restart of this service or the ledger) reaches the same ledger
 * record instead of filing a second one. Shaped as a UUID (version 8: application-defined).
 */
export function requestIdOf(requester: string, p: AuthorizationRequestAccess.Payload): string {
  const { datasetId, purpose, columns, statistics, requestedExpiry } = p;
  const hex = createHash('sha256').update(canonicalJson({ requester, datasetId, purpose, columns, statistics, requestedExpiry })).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

@Controller()
export class RequestAccessHandler {
  constructor(
    private readonly bus: MessageBus,
    private readonly catalogue: Catalogue,
    private readonly projection: Projection,
    private readonly ledger: LedgerClient,
    private readonly config: AuthorizationConfig,
    private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @HandleRequest(AuthorizationRequestAccess.CONTRACT)
  async execute(@Payload() p: AuthorizationRequestAccess.Payload, @Actor() actor: ActingUser | undefined, now = new Date()): Promise<AuthorizationRequestAccess.Result> {
    const who = requireActor(actor);
    const dataset = await this.catalogue.requireDataset(p.datasetId);
    if (!MarketPolicy.mayApply(who, dataset.ownerMemberId)) {
      throw forbidden(who.organisationId === dataset.ownerMemberId ? 'Your own institution owns this dataset' : 'Your role may not apply for access', { datasetId: p.datasetId });
    }
    if (dataset.status === 'deleted') throw new PhdmfError(AuthorizationErrorCode.DATASET_DELETED, `Dataset ${p.datasetId} was deleted`, { datasetId: p.datasetId });
    if (dataset.stance === 'closed') {
      throw new PhdmfError(AuthorizationErrorCode.DATASET_CLOSED, `The owner of dataset ${p.datasetId} does not take access requests for it`, { datasetId: p.datasetId });
    }
    const known = dataset.columnNames();
    const unknown = known === undefined ? [] : p.columns.filter((c) => !known.includes(c));
    if (unknown.length > 0) {
      throw new PhdmfError(AuthorizationErrorCode.INVALID_REQUEST, `Dataset ${p.datasetId} has no column ${unknown.join(', ')}`, { datasetId: p.datasetId, unknownColumns: unknown });
    }
    if (Date.parse(p.requestedExpiry) <= now.getTime()) {
      throw new PhdmfError(AuthorizationErrorCode.INVALID_REQUEST, 'requestedExpiry must lie in the future', { requestedExpiry: p.requestedExpiry });
    }
    await this.enforceQuota(who.userId, now);

    const request: LedgerRequestAccess.Payload = {
      requestId: requestIdOf(who.userId, p),
      datasetId: p.datasetId,
      requester: who.userId,
      ...(who.organisationId !== undefined ? { requesterOrg: who.organisationId } : {}),
      purpose: p.purpose,
      columns: p.columns,
      // What an analysis will ask the sites for, so that what the owner grants is usable as granted:
      // the count always (the disclosure threshold and the weights), the mean with variance or SD.
      statistics: statisticsNeededFromSites(p.statistics),
      requestedExpiry: p.requestedExpiry,
      ...(p.privacyMode !== undefined ? { privacyMode: p.privacyMode } : {}),
      ...(p.budgetRho !== undefined ? { budgetRho: p.budgetRho } : {}),
    };
    const committed = await this.submit(request);
    // Shown only now that it is committed; the AccessRequested event lands on the same row later.
    const row = await this.projection.commit((em) => this.projection.applyRequest(em, committed.record, committed.blockNumber));
    return row.toView();
  }

  /** Counted from the projection (the committed requests), so the quota survives restarts and replicas. */
  private async enforceQuota(requester: string, now: Date): Promise<void> {
    const quota = { what: 'access requests', limit: this.config.ACCESS_REQUESTS_PER_HOUR, windowSeconds: 3_600 };
    const recent = await this.orm.em.fork().find(
      AccessRequest,
      { requester, requestedAt: { $gt: new Date(now.getTime() - quota.windowSeconds * 1000) } },
      { orderBy: { requestedAt: 'desc' }, limit: quota.limit, fields: ['requestedAt'] },
    );
    enforceQuota(quota, recent.map((r) => r.requestedAt), now);
  }

  private async submit(request: LedgerRequestAccess.Payload): Promise<LedgerCommitted<LedgerAccessRequestRecord>> {
    try {
      return await this.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: SERVICE_ACTOR, timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS });
    } catch (error) {
      // Already on the ledger: the same request sent again (its first answer was lost). Otherwise, no
      // answer but perhaps committed: the id is this request's own, so if the ledger holds it, it is this one.
      const retried = error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.AccessRequestAlreadyExists;
      if (!retried && !isAmbiguous(error)) throw ledgerUnavailable(error, SEND_AGAIN);
      const record = await this.ledger.accessRequest(request.requestId).catch(() => undefined);
      if (record?.requester !== request.requester) throw ledgerUnavailable(error, SEND_AGAIN);
      this.logger.warn({ requestId: request.requestId, retried }, 'access request already on the ledger; answered from its record');
      return { txId: record.txId, blockNumber: await this.ledger.blockOf(record.txId), record };
    }
  }
}
