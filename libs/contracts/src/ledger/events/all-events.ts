import * as ConsortiumInitialized from './consortium-initialized';
import * as MemberAdmitted from './member-admitted';
import * as MemberRejected from './member-rejected';
import * as NodeUpdated from './node-updated';
import * as DatasetAdded from './dataset-added';
import * as DatasetUpdated from './dataset-updated';
import * as DatasetDeleted from './dataset-deleted';
import * as DatasetStanceSet from './dataset-stance-set';
import * as AccessRequested from './access-requested';
import * as AccessGranted from './access-granted';
import * as AccessDenied from './access-denied';
import * as AccessRevoked from './access-revoked';
import * as AnalysisRecorded from './analysis-recorded';
import * as TamperDetected from './tamper-detected';
import * as BudgetReserved from './budget-reserved';
import * as ReservationReleased from './reservation-released';

/**
 * Every ledger event, keyed by the chaincode event it republishes: `LEDGER_EVENTS.DatasetAdded.CONTRACT`.
 * A test in apps/ledger fails if a chaincode event has no entry here.
 */
export const LEDGER_EVENTS = {
  ConsortiumInitialized,
  MemberAdmitted,
  MemberRejected,
  NodeUpdated,
  DatasetAdded,
  DatasetUpdated,
  DatasetDeleted,
  DatasetStanceSet,
  AccessRequested,
  AccessGranted,
  AccessDenied,
  AccessRevoked,
  AnalysisRecorded,
  TamperDetected,
  BudgetReserved,
  ReservationReleased,
} as const;

/** The name of a chaincode event that the ledger republishes on the bus. */
export type LedgerEventName = keyof typeof LEDGER_EVENTS;
