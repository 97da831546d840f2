import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerBudgetReservationRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.reservation-released.v1';

/** The chaincode event (`ChaincodeEvent.ReservationReleased`) this bus event republishes. */
export const CHAINCODE_EVENT = 'ReservationReleased';

/** A budget reservation no site computed for was given back. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerBudgetReservationRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
