import type {
  AccessRequestView,
  GrantPrivacyView,
  LedgerAccessRequestRecord,
  LedgerPrivacyMode,
  LedgerRequestStatus,
  MarketPermission,
  MarketPermissionState,
} from '@phdmf/contracts';
import { zcdpToApproxDp } from '@phdmf/statistics';

// An access request only ever moves forward on-chain: pending → granted | denied, granted → revoked.
// So a record whose status is not further along than the one shown is old (or the same) news.
const STATUS_ORDER: Record<LedgerRequestStatus, number> = { pending: 0, granted: 1, denied: 1, revoked: 2 };

/**
 * An access request as the ledger committed it (the whole record, as JSON), with the columns the
 * service filters on, and the block of its last committed change. Applied idempotently and in
 * order whichever way a record arrives (a bus event, a command's answer, the catch-up).
 */
export class AccessRequest {
  requestId!: string;
  datasetId!: string;
  ownerMemberId!: string;
  requester!: string;
  status!: LedgerRequestStatus;
  requestedAt!: Date;
  recordJson!: string;
  txId!: string;
  blockNumber!: number;

  static fromRecord(record: LedgerAccessRequestRecord, blockNumber: number): AccessRequest {
    const r = new AccessRequest();
    r.requestId = record.requestId;
    r.datasetId = record.datasetId;
    r.ownerMemberId = record.ownerMemberId;
    r.requester = record.requester;
    r.requestedAt = new Date(record.requestedAt);
    r.assign(record, blockNumber);
    return r;
  }

  /** Applies a committed record if it is further along than what is shown; true if anything changed. */
  applyRecord(record: LedgerAccessRequestRecord, blockNumber: number): boolean {
    if (STATUS_ORDER[record.status] <= STATUS_ORDER[this.status]) return false;
    this.assign(record, blockNumber);
    return true;
  }

  record(): LedgerAccessRequestRecord {
    return JSON.parse(this.recordJson) as LedgerAccessRequestRecord;
  }

  toView(): AccessRequestView {
    return { ...this.record(), blockNumber: this.blockNumber };
  }

  /** What this request means for its requester at `now`. */
  permission(now: Date): MarketPermission {
    const r = this.record();
    switch (r.status) {
      case 'pending':
        return {
          state: 'requested',
          requestId: r.requestId,
          columns: r.columns,
          statistics: r.statistics,
          expiresAt: r.requestedExpiry,
          ...(r.privacyMode !== undefined ? { privacy: privacyOf(r.privacyMode, r.budgetRho) } : {}),
        };
      case 'granted':
      case 'revoked': {
        const grant = r.grant;
        const state: MarketPermissionState = r.status === 'revoked' ? 'revoked' : grant !== undefined && Date.parse(grant.expiresAt) <= now.getTime() ? 'expired' : 'granted';
        const reason = r.status === 'revoked' ? r.revocation?.reason : grant?.reason;
        return {
          state,
          requestId: r.requestId,
          ...(grant ? { columns: grant.columns, statistics: grant.statistics, expiresAt: grant.expiresAt, privacy: privacyOf(grant.privacyMode ?? 'controlled', grant.budgetRho) } : {}),
          ...(reason !== undefined ? { reason } : {}),
        };
      }
      case 'denied':
        return { state: 'denied', requestId: r.requestId, ...(r.denial ? { reason: r.denial.reason } : {}) };
    }
  }

  private assign(record: LedgerAccessRequestRecord, blockNumber: number): void {
    this.status = record.status;
    this.recordJson = JSON.stringify(record);
    this.txId = record.txId;
    this.blockNumber = blockNumber;
  }
}

// Which of a user's requests on one dataset speaks for their permission: a grant in force first,
// then one awaiting decision, then the latest of the rest (expired, denied, revoked).
const PRECEDENCE: Record<MarketPermissionState, number> = { granted: 0, requested: 1, expired: 2, denied: 2, revoked: 2, none: 3 };

/** The caller's permission on one dataset, from their requests on it. */
/** δ at which the market states the (ε, δ) a budget implies: well below 1/n for any cohort it holds. */
export const PRIVACY_DELTA = 1e-6;

/** A mode and budget as the market shows them: with the (ε, δ) the budget implies. */
export function privacyOf(mode: LedgerPrivacyMode, budgetRho: number | undefined): GrantPrivacyView {
  if (mode !== 'dp' || budgetRho === undefined) return { mode };
  const { epsilon, delta } = zcdpToApproxDp(budgetRho, PRIVACY_DELTA);
  return { mode, budgetRho, epsilon, delta };
}

export function permissionFrom(requests: readonly AccessRequest[], now: Date): MarketPermission {
  let best: { permission: MarketPermission; requestedAt: number } | undefined;
  for (const request of requests) {
    const permission = request.permission(now);
    const requestedAt = request.requestedAt.getTime();
    if (
      best === undefined ||
      PRECEDENCE[permission.state] < PRECEDENCE[best.permission.state] ||
      (PRECEDENCE[permission.state] === PRECEDENCE[best.permission.state] && requestedAt > best.requestedAt)
    ) {
      best = { permission, requestedAt };
    }
  }
  return best?.permission ?? { state: 'none' };
}
