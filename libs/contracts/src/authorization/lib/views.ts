import {
  LEDGER_DATASET_STANCES,
  type LedgerAccessRequestRecord,
  type LedgerBudgetSpend,
  type LedgerPrivacyMode,
  type LedgerColumnType,
  type LedgerDatasetStance,
  type LedgerDatasetStatus,
  type LedgerStatistic,
} from '../../ledger/lib/records';
import type { Page } from '../../lib/pagination';

/** Whether the owner takes access requests on a dataset (their default stance); `open` unless they close it. Recorded on-chain. */
export type MarketStance = LedgerDatasetStance;

/** The stances an owner can take. */
export const MARKET_STANCES: readonly MarketStance[] = LEDGER_DATASET_STANCES;

/**
 * The caller's standing on a dataset: `requested` while a request is pending; `granted` while a
 * grant is in force; `expired` once its expiry has passed; `denied` and `revoked` as decided.
 */
export type MarketPermissionState = 'none' | 'requested' | 'granted' | 'denied' | 'revoked' | 'expired';

/** One column of a dataset's on-chain schema; `unknown` when the release did not record types. */
export interface MarketColumn {
  name: string;
  type: LedgerColumnType | 'unknown';
}

/** The caller's permission on a dataset, from their most relevant access request. */
export interface MarketPermission {
  state: MarketPermissionState;
  requestId?: string;
  /** The columns granted (or, while pending, requested). */
  columns?: string[];
  statistics?: LedgerStatistic[];
  /** When the grant ends (or, while pending, the expiry asked for). */
  expiresAt?: string;
  /** The owner's reason for a denial or revocation, or the grant's note. */
  reason?: string;
  /** How the grant (or, while pending, the proposal) protects what it releases. */
  privacy?: GrantPrivacyView;
}

/**
 * A grant's privacy mode. For `dp`: the zCDP budget ρ, the (ε, δ)-DP it implies at δ = 10⁻⁶
 * (Canonne–Kamath–Steinke 2020, Prop. 12), and, for a grant in force, what is spent and left on-chain
 * with every spend's transaction.
 */
export interface GrantPrivacyView {
  mode: LedgerPrivacyMode;
  budgetRho?: number;
  epsilon?: number;
  delta?: number;
  spentRho?: number;
  leftRho?: number;
  spends?: LedgerBudgetSpend[];
}

/** A released dataset as the data market shows it: metadata and schema, built from committed ledger records only. */
export interface MarketEntry {
  datasetId: string;
  name: string;
  description: string;
  ownerMemberId: string;
  ownerName: string;
  columns: MarketColumn[];
  rowCount: number;
  version: number;
  sha256: string;
  /** When the first version was committed. */
  releasedAt: string;
  /** When the current record was committed. */
  updatedAt: string;
  /** The transaction that wrote the current record, and its block. */
  txId: string;
  blockNumber: number;
  status: LedgerDatasetStatus;
  stance: MarketStance;
  permission: MarketPermission;
}

/** One page of the market. */
export type MarketPage = Page<MarketEntry>;

/** An access request as the ledger recorded it, with the block of its last committed change. */
export interface AccessRequestView extends LedgerAccessRequestRecord {
  blockNumber: number;
}
