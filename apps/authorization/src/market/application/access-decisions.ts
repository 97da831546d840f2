import { Inject, Injectable } from '@nestjs/common';
import {
  AuthorizationErrorCode,
  isAmbiguous,
  LedgerChaincodeErrorCode,
  LedgerDenyAccess,
  LedgerGrantAccess,
  LedgerRevokeAccess,
  PhdmfError,
  requireActor,
  settle,
  type AccessRequestView,
  type ActingUser,
  type PayloadOf,
  type RequestContract,
  type LedgerAccessRequestRecord,
  type LedgerCommitted,
  type LedgerRequestStatus,
  type LedgerStatistic,
} from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { firstKeyedCommit, MessageBus, type ActorHeader } from '@phdmf/messaging';
import { statisticsNeededFromSites } from '@phdmf/statistics';
import { LOGGER } from '../../authorization.tokens';
import { AuthorizationConfig } from '../../config';
import type { AccessRequest } from '../domain/access-request';
import { forbidden, MarketPolicy } from '../domain/actor';
import { Catalogue } from '../infrastructure/catalogue';
import { LedgerClient } from '../infrastructure/ledger-client';
import { Projection } from '../infrastructure/projection';

/** A ledger command that decides on an access request, answered with the committed record. */
type DecisionCommand = RequestContract<{ requestId: string; operator: string }, LedgerCommitted<LedgerAccessRequestRecord>>;

/** An owner's decision on an access request, and what it needs and leads to. */
export interface Decision<C extends DecisionCommand = DecisionCommand> {
  kind: 'grant' | 'deny' | 'revoke';
  /** The status the request must have. */
  from: LedgerRequestStatus;
  /** The status it has once the decision is committed. */
  to: LedgerRequestStatus;
  /** The ledger command that makes it. */
  command: C;
}

export const Decisions = {
  grant: { kind: 'grant', from: 'pending', to: 'granted', command: LedgerGrantAccess.CONTRACT },
  deny: { kind: 'deny', from: 'pending', to: 'denied', command: LedgerDenyAccess.CONTRACT },
  revoke: { kind: 'revoke', from: 'granted', to: 'revoked', command: LedgerRevokeAccess.CONTRACT },
} as const satisfies Record<string, Decision>;

/**
 * The acting user's own actor header for a ledger command: the ledger service then signs with their
 * organisation's MSP, so the chaincode's owner checks hold even for a message that bypassed ours.
 */
export function signerOf(who: ActingUser): ActorHeader {
  return { userId: who.userId, roles: [...who.roles], ...(who.organisationId !== undefined ? { organisationId: who.organisationId } : {}) };
}

/** The decision's ledger command payload, for this operator and request (it may refuse first, before any transaction). */
export type DecisionPayload<C extends DecisionCommand> = (operator: string, request: AccessRequest) => PayloadOf<C>;

/**
 * Grant, deny and revoke have one shape: checked here (the owner institution's staff, the request
 * in the right state), then a ledger transaction signed as the acting user's own organisation — so
 * the chaincode's owner check holds even if a message bypasses these checks — and shown changed
 * only once committed.
 */
@Injectable()
export class AccessDecisions {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly projection: Projection,
    private readonly ledger: LedgerClient,
    private readonly bus: MessageBus,
    private readonly config: AuthorizationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Deny or revoke: `{ requestId, operator, reason }`, the two differing only in their {@link Decisions} entry. */
  close(decision: typeof Decisions.deny | typeof Decisions.revoke, p: { requestId: string; reason: string }, actor: ActingUser | undefined): Promise<AccessRequestView> {
    return this.decide(p.requestId, actor, decision, (operator) => ({ requestId: p.requestId, operator, reason: p.reason }));
  }

  /**
   * Checks the acting user and the request's state, sends the decision's ledger command signed as the
   * acting user's organisation, and shows the committed record.
   */
  async decide<C extends DecisionCommand>(requestId: string, actor: ActingUser | undefined, decision: Decision<C>, payload: DecisionPayload<C>): Promise<AccessRequestView> {
    const who = requireActor(actor);
    const request = await this.catalogue.request(requestId);
    if (!request) throw new PhdmfError(AuthorizationErrorCode.REQUEST_NOT_FOUND, `No access request ${requestId}`, { requestId });
    if (!MarketPolicy.mayDecide(who, request.ownerMemberId)) {
      throw forbidden('Only the admins and members of the institution that owns the dataset decide on its access requests', { requestId });
    }
    // A retry (same Idempotency-Key) of a decision that committed: the first commit, not a conflict.
    const committed = (await firstKeyedCommit(this.bus, decision.command)) ?? (await this.submit(request, who, decision, payload));
    const row = await this.projection.commit((em) => this.projection.applyRequest(em, committed.record, committed.blockNumber));
    return row.toView();
  }

  /** Checks the request's state and commits the decision (read back from the ledger if its answer is lost). */
  private async submit<C extends DecisionCommand>(request: AccessRequest, who: ActingUser, decision: Decision<C>, payload: DecisionPayload<C>): Promise<LedgerCommitted<LedgerAccessRequestRecord>> {
    const { requestId } = request;
    if (request.status !== decision.from) {
      throw new PhdmfError(AuthorizationErrorCode.INVALID_STATE, `Request ${requestId} is ${request.status}; to ${decision.kind} it, it must be ${decision.from}`, {
        requestId,
        status: request.status,
      });
    }
    try {
      return await this.bus.request(decision.command, payload(who.userId, request), { actor: signerOf(who), timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS });
    } catch (error) {
      const recovered = isAmbiguous(error) ? await this.recover(requestId, decision, who.userId) : undefined;
      if (!recovered) throw error;
      return recovered;
    }
  }

  /**
   * After an answer was lost: the decision is committed if the ledger shows it, by this operator. The
   * request is read back until it leaves the state the decision needs (a frozen ledger commits late),
   * for DECISION_SETTLE_MS at most.
   */
  private async recover(requestId: string, decision: Decision, operator: string): Promise<LedgerCommitted<LedgerAccessRequestRecord> | undefined> {
    const record = await settle(async () => {
      const current = await this.ledger.accessRequest(requestId);
      return current?.status === decision.from ? undefined : current;
    }, this.config.DECISION_SETTLE_MS);
    if (record?.status !== decision.to) return undefined;
    const by = decision.kind === 'grant' ? record.grant?.operator : decision.kind === 'deny' ? record.denial?.operator : record.revocation?.operator;
    if (by !== operator) return undefined;
    this.logger.warn({ requestId, decision: decision.kind }, 'decision committed although its answer was lost; read back from the ledger');
    return { txId: record.txId, blockNumber: await this.ledger.blockOf(record.txId), record };
  }
}

/** A grant may only narrow the request; refused here before it costs a transaction (the chaincode refuses it too). */
/**
 * A grant narrowed to statistics must keep what they are computed from (statisticsNeededFromSites):
 * a grant of the mean without the count would be refused by every analysis that used it.
 */
export function assertComplete(grant: { statistics?: LedgerStatistic[] }): void {
  if (grant.statistics === undefined) return;
  const granted = grant.statistics;
  const missing = statisticsNeededFromSites(granted).filter((s) => !granted.includes(s));
  if (missing.length > 0) {
    throw new PhdmfError(AuthorizationErrorCode.SCOPE_INCOMPLETE, `Statistics ${granted.join(', ')} cannot be computed without ${missing.join(', ')}: grant those too, or fewer statistics`, { statistics: granted, missing });
  }
}

export function assertNarrowing(request: LedgerAccessRequestRecord, grant: { columns?: string[]; statistics?: string[]; expiresAt?: string }): void {
  const extraColumns = (grant.columns ?? []).filter((c) => !request.columns.includes(c));
  const requestedStatistics: readonly string[] = request.statistics;
  const extraStatistics = (grant.statistics ?? []).filter((s) => !requestedStatistics.includes(s));
  const later = grant.expiresAt !== undefined && Date.parse(grant.expiresAt) > Date.parse(request.requestedExpiry);
  if (extraColumns.length > 0 || extraStatistics.length > 0 || later) {
    throw new PhdmfError(LedgerChaincodeErrorCode.AccessScopeWidened, 'A grant may only narrow the request: columns and statistics among those requested, expiry no later', {
      ...(extraColumns.length > 0 ? { columns: extraColumns } : {}),
      ...(extraStatistics.length > 0 ? { statistics: extraStatistics } : {}),
      ...(later ? { expiresAt: grant.expiresAt, requestedExpiry: request.requestedExpiry } : {}),
    });
  }
}
