import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerBudgetReservationRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.budget-reserved.v1';

/** The chaincode event (`ChaincodeEvent.BudgetReserved`) this bus event republishes. */
export const CHAINCODE_EVENT = 'BudgetReserved';

/** A dp analysis reserved its privacy cost on-chain. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerBudgetReservationRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
