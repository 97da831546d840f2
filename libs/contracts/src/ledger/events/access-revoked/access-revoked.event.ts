import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerAccessRequestRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.access-revoked.v1';

/** The chaincode event (`ChaincodeEvent.AccessRevoked`) this bus event republishes. */
export const CHAINCODE_EVENT = 'AccessRevoked';

/** The dataset owner revoked a grant. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerAccessRequestRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
