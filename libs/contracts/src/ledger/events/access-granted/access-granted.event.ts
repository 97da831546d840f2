import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerAccessRequestRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.access-granted.v1';

/** The chaincode event (`ChaincodeEvent.AccessGranted`) this bus event republishes. */
export const CHAINCODE_EVENT = 'AccessGranted';

/** The dataset owner granted an access request. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerAccessRequestRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
